"""The benchmark table: one budget per figure, and `scripts/bench --check` failing on a figure over it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from benchmarks.table import BUDGETS, Row

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_a_figure_over_its_budget_is_not_ok_either_way():
    assert Row("help", 59.0).ok and not Row("help", 61.0).ok
    assert Row("commands_recognised", 96.0).ok and not Row("commands_recognised", 94.0).ok  # higher is better


def test_every_budget_is_measured_and_every_measured_figure_has_one():
    source = "\n".join(p.read_text() for p in BENCHMARKS.glob("*.py") if p.name != "table.py")
    reported = set(re.findall(r'Row\(\s*"([a-z_0-9]+)"', source))
    for stem in re.findall(r'Row\(\s*f"([a-z_0-9]+)\{', source):  # one key per engine
        reported |= {key for key in BUDGETS if key.startswith(stem)}
    assert reported == set(BUDGETS)


def test_check_exits_1_when_a_figure_is_over_budget(tmp_path):
    """The real command on the cheapest figure, with its budget made impossible to meet."""
    script = (
        "import sys\n"
        "from benchmarks import table\n"
        "table.BUDGETS['help'] = table.Budget('help', 0.001, 'ms')\n"
        "from benchmarks.__main__ import main\n"
        "sys.argv = ['bench', '--only', 'help', '--runs', '1', '--check']\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=BENCHMARKS.parent, timeout=120
    )
    assert result.returncode == 1, result.stderr
    assert "over budget: help" in result.stderr
    asked = [sys.executable, "-m", "benchmarks", "--only", "nonsense"]
    unknown = subprocess.run(asked, capture_output=True, text=True, cwd=BENCHMARKS.parent)
    assert unknown.returncode == 2 and "unknown step nonsense" in unknown.stderr
