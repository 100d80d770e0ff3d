"""Field mappings typed as text: one `Source field -> Target field | transform note` per line."""

from __future__ import annotations

import re

from pydantic import BaseModel
from pydantic_core import PydanticCustomError

from commands.secrets import find_secret

ARROW = re.compile(r"\s*(?:->|→|=>)\s*")


class FieldPair(BaseModel):
    source: str
    target: str
    transform: str = ""


def parse_mapping(text: str) -> list[FieldPair]:
    """Parse the mapping text; raise a `mapping` error naming the first bad line."""
    pairs: list[FieldPair] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if find_secret(line):
            raise PydanticCustomError(
                "secret",
                "Line {n} looks like a credential. Secrets belong in a vault, never in Patchbay.",
                {"n": number},
            )
        body, _, transform = line.partition("|")
        parts = ARROW.split(body.strip(), maxsplit=1)
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise PydanticCustomError(
                "mapping",
                "Line {n}: write it as  Source field -> Target field | optional note",
                {"n": number},
            )
        if max(len(parts[0]), len(parts[1]), len(transform)) > 200:
            raise PydanticCustomError(
                "mapping", "Line {n} is too long: keep each part under 200 characters.", {"n": number}
            )
        pairs.append(FieldPair(source=parts[0].strip(), target=parts[1].strip(), transform=transform.strip()))
    if not pairs:
        raise PydanticCustomError("mapping", "Map at least one field, like  Phone -> Phone Number | E.164")
    if len(pairs) > 100:
        raise PydanticCustomError("mapping", "Keep it to 100 field pairs or fewer.")
    return pairs


def format_mapping(pairs: list[FieldPair]) -> str:
    return "\n".join(
        f"{pair.source} -> {pair.target}" + (f" | {pair.transform}" if pair.transform else "")
        for pair in pairs
    )
