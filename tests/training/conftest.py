"""Fixtures every training test shares: training mode must never reach the network (the class runs on
counter PCs that may be on the county's network), so the Pilot runs record and refuse every attempt."""

from __future__ import annotations

import socket
from typing import Any

import pytest


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record (and refuse) every outgoing connection attempt made while the test runs: plain
    ``socket.connect``/``connect_ex`` and ``socket.create_connection`` (what httpx and urllib use)."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError("network disabled in training tests")

    def refuse_create(address: Any, *a: Any, **k: Any) -> None:
        attempts.append(address)
        raise OSError("network disabled in training tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse_create)
    return attempts
