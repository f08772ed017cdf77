"""The pressbase use cases, one module per capability (search, selections, exports, transfers, feeds, lifecycle);
called by the entrypoints in ``pressbase.entrypoints`` and by the job handlers (``pressbase.jobhandlers``)."""
