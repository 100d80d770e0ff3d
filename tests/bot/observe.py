"""Reading what a running app exposes: GET /metrics and GET /healthz over real HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from prometheus_client.parser import text_string_to_metric_families


def get(url: str) -> tuple[int, str, str]:
    """Status, content type and body of GET `url`."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def base(app_url: str) -> str:
    return app_url.rsplit("/slack/events", 1)[0]


def healthz(app_url: str) -> tuple[int, dict[str, Any]]:
    status, _, body = get(base(app_url) + "/healthz")
    return status, json.loads(body)


def scrape(app_url: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of GET /metrics, keyed by (sample name, labels)."""
    status, content_type, body = get(base(app_url) + "/metrics")
    assert status == 200 and content_type.startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)
