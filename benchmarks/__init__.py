"""Patchbay's benchmarks: `python -m benchmarks` (or `make bench`) runs every figure and prints a table.

A figure is one function registered with `@figure(name, title)` in a module under
`benchmarks/figures/`: it takes the `Lab` (the local Slack, seeded databases, running processes, a
steady-rate load generator) and returns `Row`s. Import the module in `figures/__init__.py`.
Benchmarks are not part of the test suite and never run in CI.
"""
