"""The invoice as a PDF/A-3 (Factur-X / ZUGFeRD, profile EN 16931) in the customer's language.

reportlab draws the page with an embedded TrueType font (PDF/A forbids unembedded fonts; reportlab ships Vera);
factur-x embeds the XML as ``factur-x.xml`` with AFRelationship=Data and writes the PDF/A-3 XMP metadata; an sRGB
output intent (ICC profile from Pillow's littleCMS) completes PDF/A. §14 UStG contents: supplier and recipient
name and address, supplier tax number and VAT id, issue date, sequential number, description and quantity, service
period, net amount per tax rate, tax rate and amount, gross amount, reverse-charge wording where it applies.
"""

from __future__ import annotations

import io
from functools import lru_cache

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from ..domain import money
from ..domain.dates import fmt_date
from ..i18n import _
from .model import InvoiceData

L = {
    "invoice": _("Invoice"),
    "credit_note": _("Credit note (invoice correction)"),
    "number": _("Invoice number"),
    "date": _("Invoice date"),
    "customer_no": _("Customer number"),
    "period": _("Service period"),
    "delivery": _("Date of supply"),
    "pos": _("No."),
    "description": _("Description"),
    "qty": _("Qty"),
    "unit_price": _("Unit price"),
    "amount": _("Amount"),
    "net": _("Net amount"),
    "vat": _("VAT {rate}%"),
    "gross": _("Total amount"),
    "due": _("Payable without deduction by {date} to {iban} ({bank}), reference {number}."),
    "corrects": _("Correction of invoice {number} of {date}."),
    "vat_id": _("VAT ID"),
    "tax_no": _("Tax number"),
    "buyer_vat": _("Recipient's VAT ID"),
    "page": _("Page {n}"),
    "einvoice": _("Electronic invoice under EN 16931 (ZUGFeRD/Factur-X); the embedded XML data is authoritative."),
}

COUNTRY_NAMES = {"DE": ("DEUTSCHLAND", "GERMANY"), "AT": ("ÖSTERREICH", "AUSTRIA"), "CH": ("SCHWEIZ", "SWITZERLAND")}


@lru_cache(maxsize=1)
def _fonts() -> tuple[str, str]:
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))
    return "Vera", "VeraBd"


def _t(key: str, lang: str, **params) -> str:
    return L[key].format(**params).pick(lang)


def _country(code: str, lang: str) -> str:
    names = COUNTRY_NAMES.get(code.upper())
    if names:
        return names[1] if lang == "en" else names[0]
    return code.upper()


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    words, lines, cur = text.split(), [], ""
    for w in words:
        cand = f"{cur} {w}".strip()
        if pdfmetrics.stringWidth(cand, font, size) <= width or not cur:
            cur = cand
        else:
            lines.append(cur)
            cur = w
    if cur:
        lines.append(cur)
    return lines or [""]


def _output_intent(c: canvas.Canvas) -> None:
    """PDF/A needs an output intent naming the colour space the page is drawn in (sRGB, ICC profile from Pillow's
    littleCMS). reportlab has no API for it; its catalog writes the keys listed in ``__NoDefault__``."""
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString

    from .facturx import srgb_icc

    doc = c._doc
    icc = PDFStream(dictionary=PDFDictionary({"N": 3}), content=srgb_icc(), filters=None)
    intent = PDFDictionary({"Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
                            "OutputConditionIdentifier": PDFString("sRGB"), "Info": PDFString("sRGB IEC61966-2.1"),
                            "DestOutputProfile": doc.Reference(icc)})
    catalog = doc.Catalog
    catalog.__NoDefault__ = [*type(catalog).__NoDefault__, "OutputIntents"]
    catalog.OutputIntents = PDFArray([intent])


def render_visual(inv: InvoiceData) -> bytes:
    """The human-readable PDF (before the XML is embedded)."""
    regular, bold = _fonts()
    lang = inv.language
    buf = io.BytesIO()
    width, height = A4
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1, initialFontName=regular, initialFontSize=9)
    title = _t(inv.doc_type, lang)
    c.setTitle(f"{title} {inv.number}")
    c.setAuthor(inv.seller["name"])
    c.setSubject(f"{title} {inv.number}")
    c.setCreator("Pressroom billing")
    _output_intent(c)
    left, right = 20 * mm, width - 20 * mm
    s = inv.seller
    page = 1

    def footer():
        c.setFont(regular, 7)
        y0 = 18 * mm
        for text in (
            f"{s['name']} · {s['street']} · {s['postcode']} {s['city']} · {s.get('register', '')} · "
            f"{'Geschäftsführung' if lang == 'de' else 'Managing director'}: {s.get('managing_director', '')}",
            f"{_t('vat_id', lang)} {s['vat_id']} · {_t('tax_no', lang)} {s['tax_number']} · IBAN {s['iban']} · "
            f"BIC {s['bic']} · {s['bank']}",
            _t("einvoice", lang),
        ):
            c.drawString(left, y0, text)
            y0 -= 3.5 * mm
        c.drawRightString(right, 8 * mm, _t("page", lang, n=page))

    # sender line and address block (DIN 5008)
    y = height - 45 * mm
    c.setFont(regular, 7)
    c.drawString(left, y + 5 * mm, f"{s['name']} · {s['street']} · {s['postcode']} {s['city']}")
    c.setFont(regular, 10)
    cust = inv.customer
    addr = [cust.get("name", "")]
    if cust.get("attention"):
        addr.append(cust["attention"])
    addr += [cust.get("street", ""), f"{cust.get('postcode', '')} {cust.get('city', '')}".strip()]
    if (cust.get("country") or "DE").upper() != "DE":
        addr.append(_country(cust["country"], lang))
    for row in addr:
        if row:
            c.drawString(left, y, row)
            y -= 4.5 * mm

    # document data
    yy = height - 45 * mm
    data = [(_t("number", lang), inv.number), (_t("date", lang), fmt_date(inv.issue_date, lang)),
            (_t("customer_no", lang), str(cust.get("account_no", "")))]
    if inv.period_from and inv.period_to:
        data.append((_t("period", lang), f"{fmt_date(inv.period_from, lang)} – {fmt_date(inv.period_to, lang)}"))
    else:
        data.append((_t("delivery", lang), fmt_date(inv.issue_date, lang)))
    if cust.get("vat_id"):
        data.append((_t("buyer_vat", lang), cust["vat_id"]))
    c.setFont(regular, 9)
    for label, value in data:
        c.drawString(120 * mm, yy, label)
        c.drawRightString(right, yy, value)
        yy -= 4.5 * mm

    y = min(y, yy) - 12 * mm
    c.setFont(bold, 14)
    c.drawString(left, y, f"{title} {inv.number}")
    y -= 6 * mm
    c.setFont(regular, 9)
    if inv.corrects_number:
        c.drawString(left, y, _t("corrects", lang, number=inv.corrects_number,
                                 date=fmt_date(inv.corrects_date, lang) if inv.corrects_date else ""))
        y -= 5 * mm
    y -= 4 * mm

    cols = (left, left + 10 * mm, 135 * mm, 160 * mm, right)

    def header(y):
        c.setFont(bold, 8.5)
        c.drawString(cols[0], y, _t("pos", lang))
        c.drawString(cols[1], y, _t("description", lang))
        c.drawRightString(cols[2] + 10 * mm, y, _t("qty", lang))
        c.drawRightString(cols[3] + 12 * mm, y, _t("unit_price", lang))
        c.drawRightString(cols[4], y, _t("amount", lang))
        c.line(left, y - 1.5 * mm, right, y - 1.5 * mm)
        return y - 6 * mm

    y = header(y)
    for i, line in enumerate(inv.lines, start=1):
        text = [line.name.pick(lang)]
        if line.period_from and line.period_to:
            text.append(f"{fmt_date(line.period_from, lang)} – {fmt_date(line.period_to, lang)}")
        if line.detail:
            text.append(line.detail.pick(lang))
        rows = []
        for j, t in enumerate(text):
            rows += _wrap(t, regular, 8.5 if j == 0 else 7.5, cols[2] - cols[1] - 2 * mm)
        needed = len(rows) * 4 * mm + 2 * mm
        if y - needed < 45 * mm:
            footer()
            c.showPage()
            page += 1
            y = header(height - 25 * mm)
        c.setFont(regular, 8.5)
        c.drawString(cols[0], y, str(i))
        qty = format(line.quantity.normalize(), "f")
        c.drawRightString(cols[2] + 10 * mm, y, qty.replace(".", ",") if lang == "de" else qty)
        c.drawRightString(cols[3] + 12 * mm, y, money.fmt(line.unit_price_cents, lang))
        c.drawRightString(cols[4], y, money.fmt(line.amount_cents, lang))
        for j, row in enumerate(rows):
            c.setFont(regular, 8.5 if j == 0 else 7.5)
            c.drawString(cols[1], y, row)
            y -= 4 * mm
        y -= 2 * mm

    if y < 75 * mm:
        footer()
        c.showPage()
        page += 1
        y = height - 30 * mm
    c.line(120 * mm, y, right, y)
    y -= 5 * mm
    t = inv.totals
    rate = format(inv.treatment.rate.normalize(), "f")
    for label, cents, font in ((_t("net", lang), t.net_cents, regular),
                               (_t("vat", lang, rate=rate.replace(".", ",") if lang == "de" else rate), t.tax_cents,
                                regular),
                               (_t("gross", lang), t.gross_cents, bold)):
        c.setFont(font, 9.5)
        c.drawString(120 * mm, y, label)
        c.drawRightString(right, y, money.fmt(cents, lang))
        y -= 5 * mm
    y -= 4 * mm
    c.setFont(regular, 8.5)
    paragraphs = []
    if inv.treatment.note:
        paragraphs.append(inv.treatment.note.pick(lang))
    paragraphs += [n["en" if lang == "en" else "de"] for n in inv.notes]
    if inv.doc_type == "invoice":
        paragraphs.append(_t("due", lang, date=fmt_date(inv.due_date, lang), iban=s["iban"], bank=s["bank"],
                             number=inv.number))
    for p in paragraphs:
        for row in _wrap(p, regular, 8.5, right - left):
            if y < 40 * mm:
                footer()
                c.showPage()
                page += 1
                y = height - 30 * mm
                c.setFont(regular, 8.5)
            c.drawString(left, y, row)
            y -= 4 * mm
        y -= 2 * mm
    footer()
    c.showPage()
    c.save()
    return buf.getvalue()
