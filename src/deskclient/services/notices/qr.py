"""QR codes for the applicant's copy: the progress lookup address and the case number (segno).

One matrix, two drawings: a PIL image for the PDF (fpdf2 embeds it) and for the ESC/POS raster
(python-escpos sends it as ``GS v 0``), so paper and PDF always encode the same text.
"""

from __future__ import annotations

from typing import Any

QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


def qr_matrix(payload: str) -> list[list[bool]]:
    """Dark (True) / light modules, quiet zone included; error correction M survives a smudge."""
    import segno

    code = segno.make(payload, error="m", micro=False)
    size = len(code.matrix)
    rows = [[False] * (size + 2 * QUIET_ZONE) for _ in range(QUIET_ZONE)]
    for row in code.matrix:
        rows.append([False] * QUIET_ZONE + [bool(v) for v in row] + [False] * QUIET_ZONE)
    rows += [[False] * (size + 2 * QUIET_ZONE) for _ in range(QUIET_ZONE)]
    return rows


def qr_image(payload: str, scale: int = 4) -> Any:
    """A 1-bit PIL image of the code, ``scale`` pixels per module."""
    from PIL import Image

    matrix = qr_matrix(payload)
    n = len(matrix)
    img = Image.new("1", (n, n), 1)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                img.putpixel((x, y), 0)
    return img.resize((n * scale, n * scale), Image.Resampling.NEAREST)
