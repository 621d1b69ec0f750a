"""Every user-facing (Simplified Chinese) text lives in this package, one module per area.

Code refers to the constants; nothing user-facing is written inline elsewhere. Text that
includes visitor-typed values is formatted with ``str.format`` and, in the UI, always shown
as ``rich.text.Text`` so that it is never interpreted as markup.
"""
