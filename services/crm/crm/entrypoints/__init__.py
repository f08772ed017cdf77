"""The crm's entrypoints, one module per noun; ``crm.service.CrmService`` combines them.

Each entrypoint validates its input, calls one use case, writes the use case's events to the outbox and commits
(inside the entrypoint: nameko replies before worker teardown).
"""
