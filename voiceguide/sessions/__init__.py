"""Sessions: orchestration of read, breathe, reflect and guide over injected collaborators."""
