"""dispatch's part of the whole-account export (docs/contracts.md, GDPR): suppressions, sender domains and accounts,
mailings with their attachments' metadata, every delivery with its timeline, the mailing reports written (as
``report_jobs``: their workbooks' metadata). DKIM private keys, attachment and report contents stay out
(svckit.accountexport.columns leaves secrets out by name)."""

from __future__ import annotations

from sqlalchemy import select

from svckit.accountexport import Table, columns

from ..db.models import (
    Attachment,
    Delivery,
    DeliveryEvent,
    ExportFile,
    Mailing,
    SenderAccount,
    SenderDomain,
    Suppression,
)


def _events(a):
    return (select(*columns(DeliveryEvent)).join(Delivery, Delivery.id == DeliveryEvent.delivery_id)
            .where(Delivery.account_id == a).order_by(DeliveryEvent.id))


TABLES = [
    Table("suppressions", lambda a: select(*columns(Suppression)).where(Suppression.account_id == a)
          .order_by(Suppression.id)),
    Table("sender_domains", lambda a: select(*columns(SenderDomain)).where(SenderDomain.account_id == a)
          .order_by(SenderDomain.id)),
    Table("sender_accounts", lambda a: select(*columns(SenderAccount)).where(SenderAccount.account_id == a)
          .order_by(SenderAccount.id)),
    Table("mailings", lambda a: select(*columns(Mailing)).where(Mailing.account_id == a).order_by(Mailing.id)),
    Table("attachments", lambda a: select(*columns(Attachment, "data")).where(Attachment.account_id == a)
          .order_by(Attachment.id)),
    Table("deliveries", lambda a: select(*columns(Delivery, "lease_until", "leased_by", "usage_batch"))
          .where(Delivery.account_id == a).order_by(Delivery.id)),
    Table("delivery_events", _events),
    Table("report_jobs", lambda a: select(*columns(ExportFile, "data")).where(ExportFile.account_id == a)
          .order_by(ExportFile.id)),
]
