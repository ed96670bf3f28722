"""Pure activity logic: no IPython imports, unit tested with in-memory fixtures."""
