"""Development SMTP sink: accepts mail on a local port, keeps it, shows it on a web page (see README.md).

``python -m smtpsink`` runs it; ``smtpsink.server.SinkServer`` runs it in-process; ``smtpsink.testing`` is the
pytest plugin with the ``smtp_sink`` fixture.
"""
