"""Use cases: short functions over a session that the entrypoints, the engine and the bounce endpoint call."""
