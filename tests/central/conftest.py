"""Fixtures for the office tests (defined in central_support, shared with the test modules)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from central_support import (  # noqa: F401  (fixtures are found by name)
    fault_proxy,
    ledger,
    office_engine,
    office_url,
    server,
    station,
)
