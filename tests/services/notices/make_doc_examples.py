"""Regenerate the examples in docs/notices.md: one PNG (100 dpi, first page of the PDF) per kind.

    /work/venv/bin/python tests/services/notices/make_doc_examples.py

Needs poppler-utils (pdftoppm). The 58 mm text examples are the golden files in ``golden/*-32.txt``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from notice_samples import ALL
from PIL import Image

from deskclient.services.notices.pdf import render_pdf
from deskclient.services.notices.render import render_document

OUT = Path(__file__).resolve().parents[3] / "docs" / "img" / "notices"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for data in ALL:
            pdf = Path(tmp) / f"{data.kind.value}.pdf"
            pdf.write_bytes(render_pdf(render_document(data), created=data.issued_at))
            subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", "-f", "1", "-l", "1", str(pdf),
                            str(OUT / data.kind.value)], check=True)
            png = OUT / f"{data.kind.value}.png"
            with Image.open(png) as img:  # 16-colour palette: a third of the size, same look
                small = img.convert("RGB").quantize(colors=16)
            small.save(png, optimize=True)
            print(png)


if __name__ == "__main__":
    main()
