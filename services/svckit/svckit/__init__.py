"""Pressroom's shared service kit.

Everything two or more services need to agree on lives here: the errors that cross the wire, the principal that
travels in nameko's context data, the database dependency provider, the outbox, logging and the pytest plugin.
"""

__version__ = "0.1.0"
