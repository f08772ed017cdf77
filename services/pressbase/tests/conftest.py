from pressbase_testing import billing, pressbase_db, pressbase_service, sample, tenant  # noqa: F401
