from svckit.migrate import run_env

from pressbase.db.models import Base

run_env(Base.metadata)
