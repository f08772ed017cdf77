"""The service's entrypoints, one mixin per noun; ``billing.service.BillingService`` declares the dependencies.

Every entrypoint is a few lines: check the principal, validate the input, call a use case, commit, answer.
"""
