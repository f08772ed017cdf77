from svckit.migrate import run_env

from crm.db.models import Base

run_env(Base.metadata)
