from crm_testing import *  # noqa: F401,F403  (fixtures: tenant, crm_service, crm_dirs, crm_db, publish)
