"""Child of the power-cut test: confirmed intakes in a loop, each case id printed AFTER the commit.

``python intake_child.py DATA_DIR SEED``. Prints ``ready`` once the ledger is open, then one case
id per line, flushed, only once ``confirm_outcome`` has returned (the clerk has been told "saved").
The parent SIGKILLs it at an arbitrary moment; there is no clean shutdown on purpose.
"""

from __future__ import annotations

import random
import sys
from datetime import datetime


def main() -> None:
    from deskclient.domain.cases import MaterialState, Outcome
    from deskclient.domain.clock import FixedClock
    from deskclient.services.cases import CheckInput, Intake, PersonInput
    from deskclient.services.context import open_context
    from deskclient.services.demo import make_id_number, make_name, make_phone
    from deskclient.settings import Mode, Paths

    data_dir, seed = sys.argv[1], int(sys.argv[2])
    rng = random.Random(seed)
    ctx = open_context(Paths.resolve(data_dir, Mode.STATION), clock=FixedClock(datetime(2026, 11, 24, 9, 30)))
    clerk = next(c for c in ctx.people.clerks() if c.window == "1")
    items = [it for it in ctx.catalog if it.materials]
    _ = ctx.cases
    print("ready", flush=True)
    while True:
        item = rng.choice(items)
        case = ctx.cases.register(Intake(window="1", item=item, applicant=PersonInput(
            make_name(rng), make_id_number(rng), make_phone(rng))), clerk.id)
        checks = [CheckInput(i, MaterialState.RECEIVED) for i in range(len(item.materials))]
        ctx.cases.confirm_outcome(case.id, clerk.id, checks, Outcome.ACCEPT)
        sys.stdout.write(case.id + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
