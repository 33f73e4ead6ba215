// Generation tests.
