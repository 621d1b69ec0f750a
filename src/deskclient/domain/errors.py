"""Errors that carry a message a clerk can read (Simplified Chinese) and never personal data."""

from __future__ import annotations


class DeskError(Exception):
    """Base for every expected, user-facing failure. ``str(err)`` is safe to show and to log."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DeskError):
    """A value typed or loaded is not acceptable; nothing was changed."""


class RuleViolation(DeskError):
    """The action is not allowed by the centre's rules in the case's current state."""
