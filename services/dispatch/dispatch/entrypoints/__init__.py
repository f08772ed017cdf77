"""The dispatch service's entrypoints, one module per noun; ``service.py`` combines them."""
