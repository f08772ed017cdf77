"""Keep the ``labels`` table equal to the shipped catalogue (the import needs labels to build search text)."""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..domain import catalog

TABLES = {
    "dataset": catalog.DATASETS,
    "media_type": catalog.MEDIA_TYPES,
    "frequency": catalog.FREQUENCIES,
    "desk": catalog.DESKS,
    "role": catalog.ROLES,
    "language": catalog.LANGUAGES,
    "topic": catalog.TOPICS,
    "region": catalog.REGIONS,
}


def rows() -> list[dict]:
    return [{"kind": kind, "code": code, "de": label.de, "en": label.en}
            for kind, table in TABLES.items() for code, label in table.items()]


def ensure(session: Session) -> None:
    """Upsert every label (a few hundred rows; cheap enough to run before every import). Caller commits."""
    session.execute(text(
        "INSERT INTO labels (kind, code, de, en) SELECT * FROM jsonb_to_recordset(CAST(:rows AS jsonb)) "
        "AS r(kind text, code text, de text, en text) "
        "ON CONFLICT (kind, code) DO UPDATE SET de = excluded.de, en = excluded.en "
        "WHERE (labels.de, labels.en) IS DISTINCT FROM (excluded.de, excluded.en)"),
        {"rows": json.dumps(rows(), ensure_ascii=False)})
