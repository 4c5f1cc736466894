"""Terminal views (rich) and their plain fallbacks."""
