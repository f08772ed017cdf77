"""Pressroom billing service."""

__version__ = "0.1.0"
