"""Benchmarks against the performance budgets in DESIGN.md (run with scripts/bench)."""
