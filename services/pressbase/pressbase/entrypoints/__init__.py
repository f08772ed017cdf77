"""The pressbase service's entrypoints, one module per noun; service.py composes them."""
