"""Fixtures for the desk (handover, day, head) and report tests: the demo station with a few cases."""

from __future__ import annotations

import json
import random

import pytest
from sqlmodel import select
from tests.ui.conftest import _station_template, station  # noqa: F401  (Pilot fixtures)

from deskclient.domain.cases import MaterialState, Outcome
from deskclient.services.cases import CheckInput, Intake, PersonInput
from deskclient.services.context import DeskContext
from deskclient.services.demo import make_id_number, make_name
from deskclient.services.handover import HandoverService
from deskclient.services.head_desk import HeadDeskService
from deskclient.services.workday import WorkdayService
from deskclient.store.models import Case, Event


def clerk_id(ctx: DeskContext, login: str) -> str:
    return next(c.id for c in ctx.people.clerks() if c.login == login)


def events(ctx: DeskContext, type_: str) -> list[dict]:
    with ctx.ledger.read() as s:
        rows = s.exec(select(Event).where(Event.type == type_).order_by(Event.seq))
        return [json.loads(e.payload) | {"_clerk": e.clerk_id, "_case": e.case_id} for e in rows]


def item_of(ctx: DeskContext, window: str, item_class: str):
    return next(it for it in ctx.catalog if it.window == window and it.item_class == item_class)


def register(ctx: DeskContext, login: str, item_class: str = "promised", *, accept: bool = True,
             seed: int = 1) -> Case:
    rng = random.Random(seed)
    clerk = next(c for c in ctx.people.clerks() if c.login == login)
    item = item_of(ctx, clerk.window or "1", item_class)
    case = ctx.cases.register(Intake(window=clerk.window or "1", item=item,
                                     applicant=PersonInput(make_name(rng), make_id_number(rng))), clerk.id)
    if accept:
        checks = [CheckInput(m.position, MaterialState.RECEIVED) for m in ctx.cases.materials(case.id)]
        case = ctx.cases.confirm_outcome(case.id, clerk.id, checks, Outcome.ACCEPT)
    return case


@pytest.fixture
def workday(demo_ctx: DeskContext) -> WorkdayService:
    """The working day with no office to reach (closing the day does not try the network)."""
    return WorkdayService(demo_ctx, sync=lambda: (None, "offline"))


@pytest.fixture
def handover(demo_ctx: DeskContext) -> HandoverService:
    return demo_ctx.handover


@pytest.fixture
def head_desk(demo_ctx: DeskContext) -> HeadDeskService:
    return demo_ctx.head_desk
