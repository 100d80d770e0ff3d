"""Every figure module; importing one registers its figures (in this order)."""

from benchmarks.figures import (
    ack_latency,
    cost_growth,
    health_growth,
    memory,
    propose_trigger,
    review_sweep,
    runs_ingest,
    use_case_cost,
)

__all__ = [
    "ack_latency",
    "cost_growth",
    "health_growth",
    "memory",
    "propose_trigger",
    "review_sweep",
    "runs_ingest",
    "use_case_cost",
]
