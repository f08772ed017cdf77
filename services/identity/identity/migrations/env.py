from identity.db.models import Base
from svckit.migrate import run_env

run_env(Base.metadata)
