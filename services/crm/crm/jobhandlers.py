"""Which function runs which kind of job (crm.jobs.JobRunner looks them up here)."""

from __future__ import annotations

from .importer.run import run_import

HANDLERS = {
    "import_dry": run_import,
    "import": run_import,
}
