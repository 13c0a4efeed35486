"""Benchmarks against the sandbox: call counts and timings, printed as figures. Run with ``make bench``."""
