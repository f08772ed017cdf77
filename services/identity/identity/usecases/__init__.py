"""Use cases: short functions over a :class:`identity.work.Work`; the entrypoints call them."""
