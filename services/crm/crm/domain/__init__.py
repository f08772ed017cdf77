"""Business rules of the crm, pure Python: no nameko, no SQLAlchemy, no I/O."""
