"""Pressroom's shared service kit.

Everything two or more services need to agree on lives here: the errors that cross the wire, the principal that
travels in nameko's context data, the database dependency provider, the outbox, logging and the pytest plugin.
"""

import sys

# kombu tries `import librabbitmq` every time a Connection object is built (nameko builds one per publish); a
# failed import is not cached, so each try walks sys.path: ~0.6 ms per RPC call. None in sys.modules makes the
# import fail at once. (librabbitmq is not used: py-amqp is kombu's transport here.)
sys.modules.setdefault("librabbitmq", None)  # type: ignore[arg-type]  # None marks "not importable"

__version__ = "0.1.0"
