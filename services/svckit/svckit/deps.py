"""Typed access from one dependency provider to another of the same service.

A provider that needs a sibling (the job runner needs the ``Database`` engine, the outbox relay too) finds it by
its class, not by the attribute name the service happened to give it::

    engine = deps.find(self.container, Database).engine

:func:`find` raises ``LookupError`` when the service declares no provider of that class, or more than one (then
the caller must say which one it means, with :func:`find_named`).
"""

from __future__ import annotations

from typing import Any, TypeVar

P = TypeVar("P")


def find(container: Any, cls: type[P]) -> P:
    """The one dependency provider of class ``cls`` (or a subclass) declared on the container's service."""
    found = [d for d in container.dependencies if isinstance(d, cls)]
    if len(found) != 1:
        what = "no" if not found else f"{len(found)}"
        raise LookupError(f"{container.service_name} declares {what} {cls.__name__} dependencies, expected one")
    return found[0]


def find_optional(container: Any, cls: type[P]) -> P | None:
    """Like :func:`find`, but None when the service declares no provider of that class."""
    found = [d for d in container.dependencies if isinstance(d, cls)]
    if len(found) > 1:
        raise LookupError(f"{container.service_name} declares {len(found)} {cls.__name__} dependencies, expected one")
    return found[0] if found else None


def find_named(container: Any, cls: type[P], attr_name: str) -> P:
    """The provider of class ``cls`` declared as ``attr_name`` (for a service with several of one class)."""
    for d in container.dependencies:
        if isinstance(d, cls) and getattr(d, "attr_name", None) == attr_name:
            return d
    raise LookupError(f"{container.service_name} declares no {cls.__name__} called {attr_name}")
