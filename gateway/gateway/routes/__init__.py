"""Route modules, one per service (plus health). Each has ``register(app, deps)`` and ``OPENAPI``.

Every route with its permission is visible in its module's ``register``; the OpenAPI document is assembled from
the modules' fragments, so a route and its documentation live side by side.
"""

from importlib import import_module

MODULES = ("health", "identity", "crm", "dispatch", "pressbase", "billing", "status", "web")


def load():
    return [import_module(f"{__name__}.{name}") for name in MODULES]
