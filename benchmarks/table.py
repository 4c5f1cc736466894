"""The budgets, in one table, and a row of the benchmark table: a measured figure beside its budget.

Every figure `scripts/bench` measures has its budget here (the numbers of
DESIGN.md's "Performance budgets"); a benchmark reports a value under its
key and never states a budget of its own. `scripts/bench --check` exits 1
when any figure is over.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    what: str
    limit: float
    unit: str
    higher_is_better: bool = False


BUDGETS: dict[str, Budget] = {
    "help": Budget("`voiceguide --help` wall time", 60, "ms"),
    "stop": Budget("Player stop to silence (recorded monitor)", 30, "ms"),
    "read_cold_neural": Budget("`read`: start to first audio frame, cold cache, neural", 400, "ms"),
    "read_warm_neural": Budget("`read`: start to first audio frame, warm cache, neural", 150, "ms"),
    "read_cold_espeak": Budget("`read`: start to first audio frame, cold cache, espeak-ng", 150, "ms"),
    "read_warm_espeak": Budget("`read`: start to first audio frame, warm cache, espeak-ng", 150, "ms"),
    "render_rtf_neural": Budget("render real-time factor, neural", 0.05, "x"),
    "render_rtf_espeak": Budget("render real-time factor, espeak-ng", 0.05, "x"),
    "read_memory_neural": Budget("`read` peak memory, neural", 700, "MB"),
    "read_memory_espeak": Budget("`read` peak memory, espeak-ng", 700, "MB"),
    "guide_memory_neural": Budget("spoken `guide` peak memory (voice + Whisper), neural", 700, "MB"),
    "guide_memory_espeak": Budget("spoken `guide` peak memory (voice + Whisper), espeak-ng", 700, "MB"),
    "spoken_cue_p95_neural": Budget("spoken breathing cue onset error p95, neural", 20, "ms"),
    "spoken_cue_p95_espeak": Budget("spoken breathing cue onset error p95, espeak-ng", 20, "ms"),
    "spoken_cue_max_neural": Budget("spoken breathing cue onset error max, neural", 50, "ms"),
    "spoken_cue_max_espeak": Budget("spoken breathing cue onset error max, espeak-ng", 50, "ms"),
    "transcribe_rtf": Budget("transcription real-time factor", 0.06, "x"),
    "commands_recognised": Budget("voice commands recognised", 95, "%", higher_is_better=True),
    "commands_false": Budget("false accepts on ordinary sentences", 2, "%"),
    "command_latency": Budget("voice command: end of speech to action", 600, "ms"),
    "barge_in_recognised_0db": Budget(
        "barge-in commands recognised over the reading, 0 dB speech-to-echo", 90, "%", True
    ),
    "barge_in_recognised_10db": Budget(
        "barge-in commands recognised over the reading, -10 dB speech-to-echo", 0, "%", True
    ),
    "barge_in_false_per_hour": Budget("barge-in: actions per hour of reading with no one speaking", 0, "/h"),
    "barge_in_erle": Budget("echo return loss enhancement on the rig (30 ms, -6 dB)", 25, "dB", True),
    "barge_in_to_silence": Budget("barge-in: end of the command to the guide silent", 700, "ms"),
    "breath_onset_p95": Budget("`breathe`: cue onset error, 95th percentile", 20, "ms"),
    "breath_onset_max": Budget("`breathe`: cue onset error, worst", 50, "ms"),
    "breath_length": Budget("`breathe`: session length off its plan", 100, "ms"),
    "reflect_rtf": Budget("transcription real-time factor (60 s reflection)", 0.06, "x"),
    "reflect_saved": Budget("end of speech to saved entry (60 s entry)", 1.0, "s"),
    "reflect_memory": Budget("`reflect --from-file` peak memory (60 s)", 350, "MB"),
    "read_file_memory": Budget("`read --to-file` peak memory, 2 MB article, espeak-ng", 200, "MB"),
    "read_file_memory_neural": Budget("`read --to-file` peak memory, neural: voiceguide's process", 200, "MB"),
    "read_file_memory_neural_worker": Budget("`read --to-file` peak memory, neural: the voice's worker", 700, "MB"),
    "search_20k": Budget("`journal search`, 20,000 entries (whole command)", 150, "ms"),
    "list_20k": Budget("`journal list`, 20,000 entries (whole command)", 150, "ms"),
    "stats_20k": Budget("`journal stats`, 20,000 entries (whole command)", 200, "ms"),
    "report_20k": Budget("`journal export --format html`, 20,000 entries (whole command)", 2000, "ms"),
    "stats_200k": Budget("`journal stats`, 200,000 entries (whole command)", 150, "ms"),
    "stats_month_json_200k": Budget("`journal stats --by month --json`, 200,000 entries (whole command)", 150, "ms"),
    "tags_200k": Budget("`journal tags`, 200,000 entries (whole command)", 150, "ms"),
    "list_tag_200k": Budget("`journal list --tag family`, 200,000 entries (whole command)", 150, "ms"),
    "list_200k": Budget("`journal list`, 200,000 entries (whole command)", 150, "ms"),
    "search_tag_200k": Budget("`journal search forgive --tag family`, 200,000 entries (whole command)", 150, "ms"),
    "search_plain": Budget("`journal search` (plain journal)", 150, "ms"),
    "search_unlocked": Budget("`journal search` encrypted and unlocked, against plain", 2.0, "x"),
    "search_locked": Budget("`journal search` encrypted, first command, against plain", 2.0, "x"),
    "list_plain": Budget("`journal list` (plain journal)", 150, "ms"),
    "list_unlocked": Budget("`journal list` encrypted and unlocked, against plain", 2.0, "x"),
    "list_locked": Budget("`journal list` encrypted, first command, against plain", 2.0, "x"),
    "search_query_ratio": Budget("search query alone, encrypted against plain", 2.0, "x"),
    "commands_recognised_base": Budget("voice commands recognised, Whisper base", 95, "%", higher_is_better=True),
    "commands_false_base": Budget("false accepts on ordinary sentences, Whisper base", 2, "%"),
    "command_latency_base": Budget("voice command: end of speech to action, Whisper base", 600, "ms"),
    **{
        f"wer_gap_{model}_{kind}": Budget(f"{model}: WER final text minus --from-file ({kind})", 1.0, "pts")
        for model in ("tiny.en", "base")
        for kind in ("clean", "noisy")
    },
    **{
        f"first_text_{model}": Budget(f"{model}: end of speech to first saved text (60 s entry)", 1.0, "s")
        for model in ("tiny.en", "base", "default")
    },
    **{
        f"final_text_{model}": Budget(f"{model}: end of speech to final text (60 s entry)", 4.0, "s")
        for model in ("tiny.en", "base", "default")
    },
    **{
        f"invented_{model}": Budget(f"{model}: invented words in 10 min of silence, noise and breathing", 0, "words")
        for model in ("tiny.en", "base")
    },
    **{
        f"live_memory_{live}_{final}": Budget(
            f"live entry + final pass peak memory ({live} live, {final} final)", 350, "MB"
        )
        for live, final in (("tiny.en", "tiny.en"), ("base", "base"), ("tiny.en", "base"))
    },
    **{
        f"noise_ratio_{voice}": Budget(
            f"final text WER in pink noise at 10 dB, default model against tiny.en ({voice} voice)", 0.5, "x"
        )
        for voice in ("espeak-ng", "piper", "person")
    },
    "import_jrnl_20k": Budget("`journal import` 20,000 jrnl entries (whole command)", 3, "s"),
    "import_jrnl_20k_encrypted": Budget("`journal import` 20,000 jrnl entries encrypted by jrnl 4.6", 5, "s"),
}
"""Key -> what is measured and its budget"""


@dataclass
class Row:
    key: str
    value: float
    note: str = ""

    @property
    def budget(self) -> Budget:
        return BUDGETS[self.key]

    @property
    def ok(self) -> bool:
        limit = self.budget.limit
        return self.value >= limit if self.budget.higher_is_better else self.value <= limit
