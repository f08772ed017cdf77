"""identity's entrypoints, split by noun into mixins that :class:`identity.service.IdentityService` combines.

Each entrypoint validates its input (contracts), builds a :class:`identity.work.Work` and calls one use case.
"""
