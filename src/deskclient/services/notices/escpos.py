"""Document → ESC/POS bytes for 58 mm (32 columns) and 80 mm (48 columns) thermal printers.

Chinese is printed in the printer's Chinese (GB18030) mode: ``FS &`` switches it on and every line
is sent as raw GB18030 bytes. python-escpos's own text path only switches to GB18030 for strings that
contain a Han character in U+4E00..U+9FA5 and never sends ``FS &``, so a line of only full-width
punctuation would go through its code-page tables and fail; hence the raw bytes. The layout is
exactly the text rendering (:mod:`.text`), so the preview shows what the paper will show.
"""

from __future__ import annotations

from typing import Any

from deskclient.services.notices import blocks as B
from deskclient.services.notices.text import WIDTH_58MM, WIDTH_80MM, layout, to_gb18030

ESC = b"\x1b"
GS = b"\x1d"
FS = b"\x1c"
INIT = ESC + b"@"
CHINESE_ON = FS + b"&"  # select Chinese character mode
CHINESE_OFF = FS + b"."
BOLD_ON, BOLD_OFF = ESC + b"E\x01", ESC + b"E\x00"
DOUBLE_HEIGHT = GS + b"!\x01" + FS + b"!\x08"  # ASCII and Chinese characters
NORMAL_SIZE = GS + b"!\x00" + FS + b"!\x00"

COLUMNS_BY_PAPER_MM = {58: WIDTH_58MM, 80: WIDTH_80MM}
DOTS_58MM, DOTS_80MM = 384, 576  # printable dots per line at 203 dpi


def write_document(printer: Any, doc: B.Document, width: int) -> None:
    """Send the document to a python-escpos printer object (Dummy, File, Usb, Serial, Network)."""
    printer.hw("INIT")  # ESC @
    printer._raw(CHINESE_ON)
    for line in layout(doc, width):
        if line.style == "cut":  # between copies (联): cut them apart
            printer.cut(mode="PART")
            continue
        if line.style == "qr":  # the progress-lookup code, as a raster image (GS v 0), centred
            from deskclient.services.notices.qr import qr_image

            media = printer.profile.profile_data.setdefault("media", {}).setdefault("width", {})
            if media.get("pixels") in (None, "Unknown"):  # a generic profile: dots of 58 / 80 mm paper
                media["pixels"] = DOTS_80MM if width >= WIDTH_80MM else DOTS_58MM
            printer.image(qr_image(line.payload, scale=4 if width >= WIDTH_80MM else 3), impl="bitImageRaster",
                          center=True)
            printer._raw(CHINESE_ON)
            continue
        if line.style == "title":
            printer._raw(BOLD_ON + DOUBLE_HEIGHT + to_gb18030(line.text) + b"\n" + NORMAL_SIZE + BOLD_OFF)
        elif line.style in ("mark", "heading"):
            printer._raw(BOLD_ON + to_gb18030(line.text) + b"\n" + BOLD_OFF)
        else:
            printer._raw(to_gb18030(line.text) + b"\n")
    printer._raw(CHINESE_OFF)
    printer.cut()  # feeds past the cutter, then GS V


def escpos_bytes(doc: B.Document, width: int = WIDTH_58MM) -> bytes:
    """The whole job as bytes (for a file, a test, or a printer reached some other way)."""
    from escpos.printer import Dummy

    printer = Dummy()
    write_document(printer, doc, width)
    return bytes(printer.output)
