"""Pure rules of the media database: catalogue, licences, queries, feeds, salutations. No nameko, no SQLAlchemy."""
