from crm.testing import crm_db, crm_dirs, crm_service  # noqa: F401  (the real crm service)
from pressbase.testing import billing, pressbase_db, pressbase_service, sample, tenant  # noqa: F401
