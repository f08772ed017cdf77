"""Which function runs which kind of job (crm.jobs.JobRunner looks them up here)."""

from __future__ import annotations

from .archive import run_account_export
from .exporter import run_export
from .importer.run import run_import
from .mailarchive import sync as sync_mailbox

HANDLERS = {
    "import_dry": run_import,
    "import": run_import,
    "export": run_export,
    "account_export": run_account_export,
    "imap_sync": sync_mailbox,
}
