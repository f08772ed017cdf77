"""Invoice documents: the EN 16931 XML (CII syntax: Factur-X / ZUGFeRD EN 16931 profile, or XRechnung) and the
PDF/A-3 that carries it. Pure functions of an invoice's data (see :class:`billing.documents.model.InvoiceData`)."""
