"""Development SMTP sink."""
