"""Drawing DOT text with Graphviz's `dot` binary (installed with `apt-get install graphviz`)."""

from __future__ import annotations

import shutil
import subprocess
from enum import StrEnum

from commands.errors import Command, PatchbayError

DRAW_SECONDS = 120


class ImageFormat(StrEnum):
    PNG = "png"
    SVG = "svg"
    DOT = "dot"


class GraphvizMissing(PatchbayError):
    """The `dot` binary is not installed, so no picture can be drawn."""

    def __init__(self) -> None:
        super().__init__(
            "The stack map needs Graphviz, which is not installed where Patchbay runs. "
            "Ask your Patchbay admin to install it ({install}); {export} still writes the map as text.",
            install=Command("apt-get install graphviz"),
            export=Command("patchbay export map --format dot"),
        )


def dot_binary() -> str | None:
    """Where `dot` is, or None when Graphviz is not installed."""
    return shutil.which("dot")


def draw(dot: str, image: ImageFormat) -> bytes:
    """The DOT text drawn as PNG or SVG (or returned as it is for DOT)."""
    if image is ImageFormat.DOT:
        return dot.encode()
    binary = dot_binary()
    if binary is None:
        raise GraphvizMissing()
    try:
        done = subprocess.run(
            [binary, f"-T{image.value}"],
            input=dot.encode(),
            capture_output=True,
            timeout=DRAW_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PatchbayError("Drawing the map took too long; focus on one tool or category.") from None
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()[:1]
        raise PatchbayError(f"Graphviz could not draw the map: {reason[0] if reason else 'no reason given'}")
    return done.stdout
