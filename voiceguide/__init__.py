"""voiceguide: a private, offline, hands-free voice companion for guided articles."""

__version__ = "0.1.0"
