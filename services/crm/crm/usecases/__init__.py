"""Use cases: short functions over a session and the caller's principal; they never commit (the entrypoint does)."""
