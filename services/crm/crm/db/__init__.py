"""Models and repositories (queries that never commit)."""
