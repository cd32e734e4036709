"""Benchmarks: run them all with `python -m bench` (writes BENCHMARKS.md)."""
