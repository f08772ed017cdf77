"""The sending engine: claim due deliveries, compose, sign, deliver over pooled SMTP, record the outcome."""
