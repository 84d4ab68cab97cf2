"""Pieces of `benchmarks/throughput.py`: models and FLOP counts, the variants, the matmul
peak, the profile, fresh-process runs and the report table. Not part of ganlib."""
