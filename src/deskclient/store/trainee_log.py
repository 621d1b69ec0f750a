"""The trainees' record: who practised which scenario step, and how (a small SQLite file of its own).

Kept apart from the training ledger on purpose: a reset (Ctrl+R) recreates the training ledger for a
clean practice run, but the class record must survive every reset. Plain ``sqlite3``: three columns
of facts, no ORM needed, and it never holds an applicant's data (only trainee names the trainer typed).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS step_result (
    trainee TEXT NOT NULL,
    scenario TEXT NOT NULL,
    step INTEGER NOT NULL,
    step_title TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('right', 'help', 'wrong')),
    at TEXT NOT NULL,
    PRIMARY KEY (trainee, scenario, step, at)
);
CREATE INDEX IF NOT EXISTS step_result_trainee ON step_result (trainee, scenario);
"""


@dataclass(frozen=True)
class StepResultRow:
    trainee: str
    scenario: str
    step: int
    step_title: str
    result: str
    at: str


@dataclass(frozen=True)
class SummaryRow:
    trainee: str
    scenario: str
    right: int
    help: int
    wrong: int
    last_at: str


class TraineeLog:
    def __init__(self, file: Path) -> None:
        self.file = file

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.file)) as conn:
            conn.executescript(_SCHEMA)
            with conn:  # one transaction, committed on leaving
                yield conn

    def record(self, trainee: str, scenario: str, step: int, step_title: str, result: str, at: datetime) -> None:
        """The latest result of a step replaces earlier ones of the same run; the history stays by time."""
        with self._connect() as c:
            c.execute("INSERT OR REPLACE INTO step_result VALUES (?, ?, ?, ?, ?, ?)",
                      (trainee, scenario, step, step_title, result, at.isoformat(timespec="seconds")))

    def results(self, trainee: str | None = None) -> list[StepResultRow]:
        with self._connect() as c:
            q = "SELECT trainee, scenario, step, step_title, result, at FROM step_result"
            rows = c.execute(q + (" WHERE trainee = ?" if trainee else "") + " ORDER BY trainee, scenario, step, at",
                             (trainee,) if trainee else ()).fetchall()
        return [StepResultRow(*r) for r in rows]

    def summary(self) -> list[SummaryRow]:
        """Per trainee and scenario, each step counted once by its latest result (counted in SQL)."""
        with self._connect() as c:
            rows = c.execute("""
                WITH latest AS (
                    SELECT trainee, scenario, step, result, at,
                           ROW_NUMBER() OVER (PARTITION BY trainee, scenario, step ORDER BY at DESC) AS n
                    FROM step_result)
                SELECT trainee, scenario,
                       SUM(result = 'right'), SUM(result = 'help'), SUM(result = 'wrong'), MAX(at)
                FROM latest WHERE n = 1 GROUP BY trainee, scenario ORDER BY trainee, scenario
            """).fetchall()
        return [SummaryRow(*r) for r in rows]
