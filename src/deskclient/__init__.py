"""deskclient: the window desk of a township or county government service centre."""

__version__ = "0.1.0"
