"""Many certifications or recognitions at once: the checks of the one-by-one services, then
the rows and their audit entries in bulk, all or nothing.

``services.certify_criterion`` and ``services.record_recognition`` write one record; an
import or the demo writes tens of thousands. Here every row is checked first (a criterion
or tier that exists, a unit in force on the day, a decision number, no period under review
or locked, no duplicate), then all rows are written in a few statements with one audit
entry each, or nothing is written (``RecordsRefused``, with every problem).

The clock: ``now`` is the time the records were made when it is not the present (the
demo's); it dates the audit entries. Real requests never pass it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ntm.audit.rows import insert_rows
from ntm.audit.services import Actor, Change, record_changes
from ntm.core.criteria.model import Tier
from ntm.criteria.models import CriteriaSet
from ntm.recognition.models import Recognition
from ntm.units.models import AdminUnit
from ntm.values.models import CriterionCertification
from ntm.values.validation import AssessmentError, not_in_force

BATCH = 5000
#: Problems listed in a refusal's message; the exception holds them all.
SHOWN = 5


class RecordsRefused(AssessmentError):
    """Some rows cannot be written; nothing was. ``problems`` lists each, in words."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = len(problems) - SHOWN
        text = " ".join(problems[:SHOWN])
        if more > 0:
            text += " " + _("(và %(n)s vấn đề khác)") % {"n": more}
        super().__init__(text)


@dataclass(frozen=True)
class CertificationRow:
    unit_id: int
    criterion_key: str
    is_met: bool
    certified_on: date
    document_number: str = ""
    department_id: int | None = None
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class RecognitionRow:
    unit_id: int
    tier: str
    decision_number: str
    decision_date: date
    criteria_set_id: int | None = None
    issuer: str = ""
    signer: str = ""
    source: str = ""
    note: str = ""


class _Units:
    """The units of the rows, loaded once; whether each is in force on a day (cached)."""

    def __init__(self, unit_ids: set[int]):
        self.units = AdminUnit.objects.in_bulk(list(unit_ids))
        self._domain: dict[int, object] = {}
        self._active: dict[tuple[int, date], bool] = {}

    def problem(self, unit_id: int, on: date) -> str:
        unit = self.units.get(unit_id)
        if unit is None:
            return _("Không có đơn vị mã nội bộ %(id)s.") % {"id": unit_id}
        if (unit_id, on) not in self._active:
            if unit_id not in self._domain:
                self._domain[unit_id] = unit.to_domain()
            self._active[(unit_id, on)] = self._domain[unit_id].is_active(on)
        if not self._active[(unit_id, on)]:
            return not_in_force(unit, on)
        return ""


def _criterion_keys(keys: set[str]) -> set[str]:
    """Which of these criterion keys some stored set holds."""
    known: set[str] = set()
    set_ids = {k.partition(":")[0] for k in keys}
    for stored in CriteriaSet.objects.filter(set_id__in=set_ids):
        known.update(c.key for c in stored.to_domain().criteria)
    return keys & known


@transaction.atomic
def record_certifications(
    rows: Sequence[CertificationRow],
    *,
    actor: Actor,
    reason: str = "",
    now: datetime | None = None,
) -> int:
    """Certify many criteria, each as ``services.certify_criterion`` would; a certification
    of the same unit, criterion and day as a current one supersedes it. How many."""
    from ntm.approvals.freeze import frozen_cells

    units = _Units({r.unit_id for r in rows})
    known = _criterion_keys({r.criterion_key for r in rows})
    problems: list[str] = []
    seen: set[tuple[int, str, date]] = set()
    for row in rows:
        cell = (row.unit_id, row.criterion_key, row.certified_on)
        if row.criterion_key not in known:
            problems.append(
                _("Không bộ tiêu chí nào có tiêu chí “%(key)s”.") % {"key": row.criterion_key}
            )
        elif problem := units.problem(row.unit_id, row.certified_on):
            problems.append(problem)
        elif cell in seen:
            problems.append(
                _("%(key)s của đơn vị mã %(id)s ngày %(date)s được xác nhận hai lần.")
                % {"key": row.criterion_key, "id": row.unit_id,
                   "date": row.certified_on.strftime("%d/%m/%Y")}
            )  # fmt: skip
        seen.add(cell)
    problems.extend(dict.fromkeys(frozen_cells(seen, lock=True).values()))
    if problems:
        raise RecordsRefused(list(dict.fromkeys(problems)))
    previous = _current_certifications(seen)
    if previous:
        CriterionCertification.objects.filter(pk__in=[p[0] for p in previous.values()]).update(
            is_current=False
        )
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    at = timezone.now()
    insert_rows(
        CriterionCertification,
        CERTIFICATION_COLUMNS,
        (
            (r.unit_id, r.criterion_key, r.is_met, r.certified_on, r.document_number,
             r.department_id, r.source, r.note, True, at, user.pk if user else None,
             previous.get((r.unit_id, r.criterion_key, r.certified_on), (None,))[0])
            for r in rows
        ),
    )  # fmt: skip
    created = _current_certifications(seen)
    record_changes(
        actor,
        (_certification_change(r, created, units, previous) for r in rows),
        reason=reason,
        now=now,
    )
    return len(rows)


#: The columns ``record_certifications`` writes, in order.
CERTIFICATION_COLUMNS = (
    "unit", "criterion_key", "is_met", "certified_on", "document_number", "department",
    "source", "note", "is_current", "entered_at", "entered_by", "supersedes",
)  # fmt: skip


def _current_certifications(
    cells: set[tuple[int, str, date]],
) -> dict[tuple[int, str, date], tuple[int, bool]]:
    """The current certification of each cell that has one, as (pk, is_met); one query."""
    if not cells:
        return {}
    found = CriterionCertification.objects.filter(
        Q(unit_id__in={c[0] for c in cells}),
        Q(criterion_key__in={c[1] for c in cells}),
        Q(certified_on__in={c[2] for c in cells}),
        is_current=True,
    ).values_list("unit_id", "criterion_key", "certified_on", "pk", "is_met")
    by_cell = {(u, k, d): (pk, met) for u, k, d, pk, met in found}
    return {cell: row for cell, row in by_cell.items() if cell in cells}


def _certification_change(row: CertificationRow, created, units: _Units, previous) -> Change:
    """The entry ``services.certify_criterion`` writes for one certification."""
    cell = (row.unit_id, row.criterion_key, row.certified_on)
    before = previous.get(cell)
    unit = units.units[row.unit_id]
    return Change(
        action="certification.record", object_type=CriterionCertification._meta.label_lower,
        object_id=str(created[cell][0]), unit_id=unit.pk,
        unit_label=unit.name,
        summary=f"{row.criterion_key} {'đạt' if row.is_met else 'chưa đạt'} ngày "
        f"{row.certified_on:%d/%m/%Y}" + (f" ({row.document_number})" if row.document_number else ""),
        old={"is_met": before[1], "certification": before[0]} if before else None,
        new={"criterion_key": row.criterion_key, "is_met": row.is_met,
             "certified_on": row.certified_on, "document_number": row.document_number,
             "department": row.department_id},
    )  # fmt: skip


@transaction.atomic
def record_recognitions(
    rows: Sequence[RecognitionRow],
    *,
    actor: Actor,
    reason: str = "",
    now: datetime | None = None,
) -> list[Recognition]:
    """Record many recognition decisions, each as ``services.record_recognition`` would."""
    units = _Units({r.unit_id for r in rows})
    tiers = {t.value for t in Tier}
    sets = CriteriaSet.objects.in_bulk({r.criteria_set_id for r in rows if r.criteria_set_id})
    existing = set(
        Recognition.objects.filter(unit_id__in=units.units).values_list(
            "unit_id", "tier", "decision_number"
        )
    )
    problems: list[str] = []
    for row in rows:
        number = row.decision_number.strip()
        if row.tier not in tiers:
            problems.append(_("“%(tier)s” không phải mức công nhận.") % {"tier": row.tier})
        elif not number:
            problems.append(_("Quyết định công nhận cần có số quyết định."))
        elif row.criteria_set_id and row.criteria_set_id not in sets:
            problems.append(_("Không có bộ tiêu chí mã %(id)s.") % {"id": row.criteria_set_id})
        elif problem := units.problem(row.unit_id, row.decision_date):
            problems.append(problem)
        elif (row.unit_id, row.tier, number) in existing:
            problems.append(
                _("%(unit)s đã có quyết định %(number)s mức %(tier)s.")
                % {"unit": units.units[row.unit_id].name, "number": number, "tier": row.tier}
            )
        existing.add((row.unit_id, row.tier, number))
    if problems:
        raise RecordsRefused(list(dict.fromkeys(problems)))
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    created = Recognition.objects.bulk_create(
        [
            Recognition(
                unit_id=r.unit_id, tier=r.tier, decision_number=r.decision_number.strip(),
                decision_date=r.decision_date, issuer=r.issuer, signer=r.signer,
                criteria_set_id=r.criteria_set_id, source=r.source, note=r.note,
                entered_by=user,
            )
            for r in rows
        ],
        batch_size=BATCH,
    )  # fmt: skip
    changes = []
    for row in created:
        unit, stored = units.units[row.unit_id], sets.get(row.criteria_set_id)
        changes.append(Change(
            action="recognition.record", object_type=Recognition._meta.label_lower,
            object_id=str(row.pk) if row.pk is not None else "", unit_id=unit.pk,
            unit_label=unit.name,
            summary=f"{row.tier}: {row.decision_number} ngày {row.decision_date:%d/%m/%Y}",
            new={"tier": row.tier, "decision_number": row.decision_number,
                 "decision_date": row.decision_date, "issuer": row.issuer, "signer": row.signer,
                 "criteria_set": stored.label if stored else None},
        ))  # fmt: skip
    record_changes(actor, changes, reason=reason, now=now)
    return created
