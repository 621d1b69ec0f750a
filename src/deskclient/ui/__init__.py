"""The Textual desk: screens by feature in ``screens/``, reusable widgets in ``widgets/``."""
