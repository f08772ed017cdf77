"""Identity's rules as pure functions: no nameko, no SQLAlchemy; every time rule takes ``now`` as an argument."""
