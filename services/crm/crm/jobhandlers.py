"""Which function runs which kind of job, with its time limit (svckit.jobs.JobRunner looks them up here).

Every handler may run again (a retry after an unexpected error, or after its process died): imports by their
per-row source references, exports and archives by rewriting their file, mailbox syncs by message ids.
"""

from __future__ import annotations

from svckit.jobs import Kind

from .archive import run_account_export
from .exporter import run_export
from .importer.run import run_import
from .mailarchive import sync as sync_mailbox

HOUR = 3600.0

HANDLERS = {
    "import_dry": Kind(run_import, time_limit=2 * HOUR),
    "import": Kind(run_import, time_limit=2 * HOUR),
    "export": Kind(run_export, time_limit=HOUR),
    "account_export": Kind(run_account_export, time_limit=6 * HOUR),
    "imap_sync": Kind(sync_mailbox, time_limit=HOUR),
}
