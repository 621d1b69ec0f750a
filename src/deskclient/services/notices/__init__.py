"""Written notices: templates → blocks → text / ESC-POS / PDF, printing, archive, ledger records.

Import the submodules you need; this package keeps its own import light (no fpdf, no escpos).
"""

from deskclient.services.notices.text import preview_text

__all__ = ["preview_text"]
