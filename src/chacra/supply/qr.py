"""QR codes of public origin pages, drawn as SVG on the server (segno; nothing fetched)."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str, *, scale: int = 4) -> str:
    """An SVG QR code of ``url`` (error correction M: it still reads on a scuffed sack label)."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title=url
    )
    return out.getvalue().decode()
