"""Development tools of pressbase (not shipped: pyproject includes only ``pressbase``): the fake-data generator
used by the demo seed, the benchmarks and the tests."""
