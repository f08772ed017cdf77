"""Pure rules of dispatch: templates, MIME, DKIM, tokens, bounces, retries, scanners. No nameko, no SQLAlchemy."""
