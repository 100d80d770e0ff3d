"""Every figure module; importing one registers its figures (in this order)."""

from benchmarks.figures import ack_latency, memory, review_sweep

__all__ = ["ack_latency", "memory", "review_sweep"]
