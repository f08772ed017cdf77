from svckit.migrate import run_env

from billing.db.models import Base

run_env(Base.metadata)
