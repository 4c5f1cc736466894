"""One row of the benchmark table: a measured figure beside its budget."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Row:
    what: str
    value: float
    unit: str
    budget: float
    higher_is_better: bool = False
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.value >= self.budget if self.higher_is_better else self.value <= self.budget
