"""Durable file writes for the services (the code is :mod:`deskclient.durable`, beside the layers, so
``settings`` can write its file without reaching up into the services)."""

from __future__ import annotations

from deskclient.durable import atomic_write_bytes, atomic_write_text, fsync_dir

__all__ = ["atomic_write_bytes", "atomic_write_text", "fsync_dir"]
