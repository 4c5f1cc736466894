"""Audio: PCM clips, WAV io, resampling, the Player, the Recorder, tones and devices.

numpy and PyAudio are imported here, so only commands that need sound load them.
"""

detach_c_stderr = False
"""Set by the command line: once PortAudio starts, C libraries lose fd 2 (see devices.py)"""
