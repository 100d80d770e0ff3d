"""Spotting credentials pasted where they do not belong."""

from __future__ import annotations

import re

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a Slack token", re.compile(r"\bxox[abposer]-[A-Za-z0-9-]{8,}")),
    ("a Slack app token", re.compile(r"\bxapp-\d-[A-Za-z0-9-]{8,}")),
    ("an AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    (
        "a GitHub token",
        re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}"),
    ),
    ("a Stripe secret key", re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}")),
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----")),
    ("a bearer token", re.compile(r"\bBearer\s+[A-Za-z0-9\-._~+/]{20,}=*", re.IGNORECASE)),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z\-_]{35}\b")),
    ("a password in a URL", re.compile(r"://[^/\s:@]+:[^/\s@]+@")),
)


def find_secret(text: str) -> str | None:
    """What kind of credential `text` seems to hold, or None."""
    for kind, pattern in _PATTERNS:
        if pattern.search(text):
            return kind
    return None


REDACTED = "[redacted]"


def redact(text: str) -> str:
    """`text` with anything that looks like a credential replaced by [redacted]."""
    for _kind, pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text
