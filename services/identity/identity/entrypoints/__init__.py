"""identity's entrypoints, split by noun into mixins that :class:`identity.service.IdentityService` combines.

Each entrypoint validates its input (contracts), opens an :class:`identity.work.Work`
(``with self.work(client=client) as work:``) and calls one use case.
"""
