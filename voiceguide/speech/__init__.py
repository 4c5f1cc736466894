"""Speech: the pyttsx3 render worker and cache, the Whisper transcriber, voice commands."""
