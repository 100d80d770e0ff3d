"""Run durations as a log-scale histogram: four buckets per doubling, so percentiles are within ~9%."""

from __future__ import annotations

import math

STEPS_PER_DOUBLING = 4


def bucket_of(duration_ms: int) -> int:
    """The histogram bucket a duration falls into."""
    return math.floor(STEPS_PER_DOUBLING * math.log2(max(duration_ms, 1)))


def bucket_ms(bucket: int) -> int:
    """The middle of a bucket (geometric), in milliseconds."""
    return round(2 ** ((bucket + 0.5) / STEPS_PER_DOUBLING))


def percentile(histogram: dict[int, int], fraction: float) -> int | None:
    """The duration at `fraction` (0.5 for p50) of a bucket -> runs histogram, or None if empty."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = math.ceil(fraction * total)
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen >= rank:
            return bucket_ms(bucket)
    return bucket_ms(max(histogram))
