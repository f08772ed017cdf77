"""Pressroom gateway: Falcon WSGI app under gunicorn; the one HTTP entry to the suite."""

__version__ = "0.1.0"
