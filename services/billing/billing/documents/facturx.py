"""Factur-X / ZUGFeRD: the visual PDF plus the EN 16931 XML, as PDF/A-3."""

from __future__ import annotations

import io
import logging
from functools import lru_cache

from eventlet import patcher
from facturx import generate_from_binary
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from svckit.cooperative import in_thread

from . import cii, pdf
from .model import InvoiceData

logging.getLogger("factur-x").setLevel(logging.WARNING)

# one render at a time: reportlab's font registry and a TTFont's subsetting state are process-wide
_RENDER_LOCK = patcher.original("threading").Lock()


@lru_cache(maxsize=1)
def srgb_icc() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def add_output_intent(pdf_bytes: bytes) -> bytes:
    """PDF/A needs an output intent naming the colour space the page was drawn in (sRGB)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes)))
    icc = DecodedStreamObject()
    icc.set_data(srgb_icc())
    icc[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject({
        NameObject("/Type"): NameObject("/OutputIntent"),
        NameObject("/S"): NameObject("/GTS_PDFA1"),
        NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB"),
        NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
        NameObject("/DestOutputProfile"): writer._add_object(icc),
    })
    writer._root_object[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render(inv: InvoiceData, check_xsd: bool = False) -> tuple[bytes, bytes]:
    """(Factur-X PDF/A-3, the embedded XML)."""
    xml = cii.build(inv)
    visual = pdf.render_visual(inv)  # with its sRGB output intent
    title = "Rechnung" if inv.language == "de" else "Invoice"
    if inv.doc_type == "credit_note":
        title = "Gutschrift" if inv.language == "de" else "Credit note"
    result = generate_from_binary(
        visual, xml, flavor="factur-x", level="en16931", check_xsd=check_xsd,
        pdf_metadata={"author": inv.seller["name"], "keywords": "Factur-X, ZUGFeRD, EN 16931",
                      "title": f"{title} {inv.number}",
                      "subject": f"{title} {inv.number} {inv.issue_date.isoformat()} {inv.seller['name']}"},
        lang="en-GB" if inv.language == "en" else "de-DE",
    )
    return result, xml


def _render_locked(inv: InvoiceData) -> tuple[bytes, bytes]:
    with _RENDER_LOCK:
        return render(inv)


def render_in_thread(inv: InvoiceData) -> tuple[bytes, bytes]:
    """``render`` in a worker thread (``svckit.cooperative.in_thread``): reportlab and pypdf are pure Python, 35 ms
    (a few lines) to 100 ms (200 lines) of CPU per invoice, which on the hub would stop billing's RPC and health for
    that long; in a thread the hub's longest pause measured 16-29 ms."""
    return in_thread(_render_locked, inv)
