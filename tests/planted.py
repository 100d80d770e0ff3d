"""Credentials the tests paste into Patchbay: every shape it must refuse, and a record of each one used.

Whatever a test plants through `plant` is looked for, at the end of the run, in every log record
written and in every test database (see `tests/conftest.py`).
"""

from __future__ import annotations

import re

PLANTED: set[str] = set()


def plant(secret: str) -> str:
    """Remember `secret` as one that must never be stored or logged; return it."""
    PLANTED.add(secret)
    return secret


# One sample of every shape, each unique to this file so that finding it anywhere means it leaked.
SHAPES: dict[str, str] = {
    "Slack bot token": "xoxb-2718281828-3141592653-PlAnTeDbOtToKeN",
    "Slack user token": "xoxp-2718281828-3141592653-PlAnTeDuSeRtOk",
    "Slack app-level token": "xapp-1-A0123ABCD-2718281828-PlAnTeDaPpToKeN",
    "Slack legacy workspace token": "xoxa-2-PlAnTeDwOrKsPaCeToKeN",
    "Slack refresh token": "xoxr-PlAnTeDrEfReShToKeN01",
    "Slack rotating token": "xoxe.xoxp-1-PlAnTeDrOtAtInGtOkEn",
    "Slack webhook URL": "https://hooks.slack.com/services/T0PLANT01/B0PLANT01/PlAnTeDwEbHoOkSeCrEt",
    "AWS access key": "AKIAPLANTEDKEY271828",
    "AWS temporary key": "ASIAPLANTEDKEY314159",
    "GitHub personal token": "ghp_PlAnTeDgItHuBtOkEn0123456789abcdef",
    "GitHub OAuth token": "gho_PlAnTeDgItHuBoAuTh0123456789abcdef",
    "GitHub app token": "ghs_PlAnTeDgItHuBaPp01230123456789abcdef",
    "GitHub fine-grained token": "github_pat_11ABCDEFG0_PlAnTeDfInEgRaInEd0123456789",
    "Stripe live key": "sk_live_PlAnTeDsTrIpEkEy2718281828",
    "Stripe restricted key": "rk_live_PlAnTeDrEsTrIcTeD2718281828",
    "private key": (
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEPlAnTeDpRiVaTeKeYbOdY\n-----END RSA PRIVATE KEY-----"
    ),
    "bearer token": "Authorization: Bearer PlAnTeDbEaReRtOkEn0123456789",
    "password in a URL": "postgres://deploy:PlAnTeDpAsSwOrD@db.internal.example/app",
    "Google API key": "AIzaPlAnTeDgOoGlEaPiKeY0123456789abcdef",
}
for _secret in SHAPES.values():
    plant(_secret)


def single_line(secret: str) -> str:
    """The secret as it fits a one-line field."""
    return secret.replace("\n", " ")


UNIQUE = re.compile(r"[A-Za-z0-9]*(?:PlAnTeD|PLANTED)[A-Za-z0-9]*")


def needles() -> set[str]:
    """What must never show up anywhere: the part unique to each planted secret (or all of it)."""
    return {found.group(0) if (found := UNIQUE.search(s)) else s for s in PLANTED}
