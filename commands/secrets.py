"""Spotting credentials pasted where they do not belong, and masking them in text that is written out.

One list of shapes serves both: the field check that refuses them (`find_secret`) and the log mask
(`redact`), which also looks inside URL-encoded text (`%22xoxb-...`).
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

# No leading \b on the prefixed shapes: they must also be found right after `%22` or `=`.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "a Slack webhook URL",
        re.compile(r"hooks\.slack(?:-gov)?\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{8,}"),
    ),
    ("a Slack token", re.compile(r"(?<![A-Za-z])xox[abposer]-[A-Za-z0-9-]{8,}")),
    ("a Slack app token", re.compile(r"(?<![A-Za-z])xapp-\d-[A-Za-z0-9-]{8,}")),
    ("an AWS access key", re.compile(r"(?<![A-Z])(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])")),
    (
        "a GitHub token",
        re.compile(r"(?<![A-Za-z])(?:(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
    ),
    ("a Stripe secret key", re.compile(r"(?<![A-Za-z])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}")),
    (
        "a private key",
        re.compile(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"
            r"(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|[\s\S]*)"
        ),
    ),
    ("a bearer token", re.compile(r"(?<![A-Za-z])Bearer\s+[A-Za-z0-9\-._~+/]{20,}=*", re.IGNORECASE)),
    ("a Google API key", re.compile(r"(?<![A-Za-z])AIza[0-9A-Za-z\-_]{35}(?![0-9A-Za-z\-_])")),
    ("a password in a URL", re.compile(r"://[^/\s:@]+:[^/\s@]+@")),
)
REDACTED = "[redacted]"


def find_secret(text: str) -> str | None:
    """What kind of credential `text` seems to hold (as typed or URL-encoded), or None."""
    for candidate in _readings(text):
        for kind, pattern in _PATTERNS:
            if pattern.search(candidate):
                return kind
    return None


def redact(text: str) -> str:
    """`text` with anything that looks like a credential replaced by [redacted].

    When the secret only shows once the text is URL-decoded, the decoded text is returned, masked.
    """
    if not text:
        return text
    masked = _mask(text)
    if "%" in masked or "+" in masked:
        decoded = unquote_plus(masked)
        if decoded != masked and find_secret(decoded):
            return _mask(decoded)
    return masked


def _mask(text: str) -> str:
    for _kind, pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


def _readings(text: str) -> tuple[str, ...]:
    decoded = unquote_plus(text) if "%" in text else text
    return (text,) if decoded == text else (text, decoded)
