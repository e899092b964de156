"""How the demo writes: through the services, as the system, with the reason "Dữ liệu demo".

Every record the demo makes goes through the write service a person's edit would use (in
bulk where there are many), so it passes the same checks and leaves its audit entry. A
refusal stops the demo with the service's message: the demo data is wrong, not the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ntm.audit.services import Actor
from ntm.values.bulk import CellInput, ValuesRefused, apply_values
from ntm.values.bulk_records import (
    CertificationRow,
    RecognitionRow,
    record_certifications,
    record_recognitions,
)

#: Who writes the demo data: the system, with this reason on every audit entry.
ACTOR = Actor(user=None, channel="system")
REASON = "Dữ liệu demo (ntm demo)"


class DemoDataRefused(RuntimeError):
    """A service refused a demo record: the demo data breaks a rule of the services."""


def values(cells: Sequence[CellInput], *, now: datetime | None = None) -> int:
    try:
        plan = apply_values(cells, actor=ACTOR, reason=REASON, now=now)
    except ValuesRefused as refused:
        problems = "; ".join(p.message for p in refused.plan.problems[:5])
        raise DemoDataRefused(f"values refused: {problems}") from refused
    return len(plan.writes)


def certifications(rows: Sequence[CertificationRow], *, now: datetime | None = None) -> int:
    return record_certifications(rows, actor=ACTOR, reason=REASON, now=now)


def recognitions(rows: Sequence[RecognitionRow], *, now: datetime | None = None) -> int:
    return len(record_recognitions(rows, actor=ACTOR, reason=REASON, now=now))
