from svckit.migrate import run_env

from identity.db.models import Base

run_env(Base.metadata)
