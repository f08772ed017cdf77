# The walks in walks/ run in an interpreter of their own (see test_browser.py); this run must not collect them.
collect_ignore = ["walks"]
