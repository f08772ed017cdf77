from crm_testing import crm_db, crm_dirs, crm_service  # noqa: F401  (the real crm service)
from pressbase_testing import billing, pressbase_db, pressbase_service, sample, tenant  # noqa: F401
