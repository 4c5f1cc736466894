"""Audio: PCM clips, WAV io, resampling, the Player, the Recorder, tones and devices.

numpy and PyAudio are imported here, so only commands that need sound load them.
"""
