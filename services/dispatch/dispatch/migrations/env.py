from svckit.migrate import run_env

from dispatch.db.models import Base

run_env(Base.metadata)
