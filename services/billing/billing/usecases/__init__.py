"""Use cases: short functions over a session (never committing unless they are a job step), called by the thin
entrypoints in ``billing.entrypoints`` and by the job runner."""
