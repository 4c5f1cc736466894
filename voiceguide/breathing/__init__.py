"""Breathing patterns (built-in and the person's own TOML files) and the deadline scheduler."""
