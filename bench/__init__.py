"""Benchmark scripts that print figures. Run them from the project root as modules
(``python -m bench.broadcast``) where they import the fakes of ``tests``."""
