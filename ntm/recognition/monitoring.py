"""Monitoring after recognition (theo dõi sau công nhận): which recognized communes meet the
revocation rule of Decision 18/2022/QĐ-TTg, or come close, computed from current data.

For a unit and everything below it, on a date: every recognition in force is checked
against the set of its tier that applies to the commune then (the rule speaks of the
criteria of the applicable set, not of the set the commune was recognized under). The
engine computes the rule for all communes of a set in one pass; nothing here queries per
unit: one query for the communes, one for their recognitions, one per province for the
sets in force, a few per set for the values, one for the settings, one for open cases.

"Close" is ntm's early warning, not law: not due, and failing at least the province's
share of criteria (20 % unless it set another) or, if the province keeps it on, a key
criterion of the rule.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Q
from django.utils.translation import get_language

from ntm.accounts.scope import Scope
from ntm.core.criteria.engine import TOLERANCE, Status
from ntm.criteria.models import CriteriaSet
from ntm.criteria.selectors import applicable_sets
from ntm.dashboards.evaluation import URBAN_KINDS, evaluate_units
from ntm.recognition.models import CLOSED_STAGES, Recognition, RecognitionCase
from ntm.recognition.procedure import CLOSE_ON_KEY, CLOSE_SHARE
from ntm.recognition.selectors import province_of, settings_in_force
from ntm.units.models import AdminUnit
from ntm.units.selectors import in_force_on

DUE, CLOSE, OK, NO_DATA = "due", "close", "ok", "no_data"
MONITORING_FLAGS = (DUE, CLOSE, NO_DATA, OK)


@dataclass
class MonitoringRow:
    """One recognition in force, judged under the set of its tier that applies now."""

    unit: AdminUnit
    recognition: Recognition
    criteria_set: CriteriaSet | None
    met: int = 0
    total: int = 0
    failed: list[str] = field(default_factory=list)
    key_failed: list[str] = field(default_factory=list)
    missing: int = 0
    not_evaluable: int = 0
    failed_share: float = 0.0
    flag: str = OK
    close_share: float | None = None
    case: RecognitionCase | None = None

    @property
    def failed_count(self) -> int:
        return len(self.failed)

    @property
    def percent(self) -> float:
        return round(self.failed_share * 100, 1)


@dataclass
class MonitoringReport:
    root: AdminUnit | None
    as_of: dt.date
    rows: list[MonitoringRow]
    sets: list[CriteriaSet]

    def count(self, flag: str) -> int:
        return sum(1 for r in self.rows if r.flag == flag)

    @property
    def recognized(self) -> int:
        return len(self.rows)

    def flagged(self, show: str = "flagged") -> list[MonitoringRow]:
        if show == "all":
            chosen = self.rows
        elif show in (DUE, CLOSE, NO_DATA, OK):
            chosen = [r for r in self.rows if r.flag == show]
        else:
            chosen = [r for r in self.rows if r.flag in (DUE, CLOSE)]
        order = {DUE: 0, CLOSE: 1, NO_DATA: 2, OK: 3}
        return sorted(chosen, key=lambda r: (order[r.flag], -r.failed_share, r.unit.name))


def communes_below(root: AdminUnit | None, scope: Scope, as_of: dt.date) -> list[AdminUnit]:
    """Rural communes in force on a date at or below a unit (the whole country for None),
    within the scope, with their parents loaded: one query."""
    units = AdminUnit.objects.filter(in_force_on(as_of), level="commune").exclude(
        kind__in=URBAN_KINDS
    )
    if root is not None:
        units = units.filter(Q(pk=root.pk) | Q(parent_id=root.pk) | Q(parent__parent_id=root.pk))
    return list(scope.filter(units).select_related("parent__parent").order_by("name", "id"))


def monitor(root: AdminUnit | None, *, scope: Scope, as_of: dt.date) -> MonitoringReport:
    """Every recognition in force on a date at or below a unit, with its revocation flag."""
    communes = communes_below(root, scope, as_of)
    by_id = {c.pk: c for c in communes}
    latest: dict[tuple[int, str], Recognition] = {}
    for recognition in (
        Recognition.objects.filter(unit_id__in=list(by_id), decision_date__lte=as_of)
        .exclude(revocation__decision_date__lte=as_of)
        .select_related("criteria_set")
        # Each recognition names its set; the set's whole definition is not needed here
        # (decoding it once per recognition took most of a province's page).
        .defer("criteria_set__definition", "criteria_set__source_document")
        .order_by("decision_date", "id")
    ):
        latest[(recognition.unit_id, recognition.tier)] = recognition
    rows = [
        MonitoringRow(unit=by_id[unit_id], recognition=r, criteria_set=None)
        for (unit_id, _tier), r in latest.items()
    ]
    _judge(rows, as_of)
    _attach_cases(rows)
    sets = sorted(
        {r.criteria_set.pk: r.criteria_set for r in rows if r.criteria_set}.values(),
        key=lambda s: s.label,
    )
    return MonitoringReport(root, as_of, rows, sets)


def localized(item) -> str:
    """A criterion's English name on English pages when the data has one."""
    if (get_language() or "").startswith("en") and getattr(item, "name_en", ""):
        return item.name_en
    return item.name_vi


def _sets_by_province(
    rows: list[MonitoringRow], as_of: dt.date
) -> dict[tuple[int, str], CriteriaSet]:
    """(province id, tier) -> the set of that tier that applies there on the date."""
    probes: dict[int, AdminUnit] = {}
    for row in rows:
        province = province_of(row.unit)
        if province is not None:
            probes.setdefault(province.pk, row.unit)
    chosen: dict[tuple[int, str], CriteriaSet] = {}
    for province_id, probe in probes.items():
        for criteria_set in applicable_sets(probe, as_of):
            chosen.setdefault((province_id, criteria_set.tier), criteria_set)
    return chosen


def _judge(rows: list[MonitoringRow], as_of: dt.date) -> None:
    sets = _sets_by_province(rows, as_of)
    provinces = {r.unit.pk: province_of(r.unit) for r in rows}
    in_force = settings_in_force((p.pk for p in provinces.values() if p), as_of)
    groups: dict[int, list[MonitoringRow]] = defaultdict(list)
    chosen: dict[int, CriteriaSet] = {}
    for row in rows:
        province = provinces[row.unit.pk]
        criteria_set = sets.get((province.pk, row.recognition.tier)) if province else None
        row.criteria_set = criteria_set
        if criteria_set is None:
            row.flag = NO_DATA
            continue
        groups[criteria_set.pk].append(row)
        chosen[criteria_set.pk] = criteria_set
    for set_pk, members in groups.items():
        criteria_set = chosen[set_pk]
        definition = criteria_set.to_domain()
        units = list({r.unit.pk: r.unit for r in members}.values())
        evaluation = evaluate_units(criteria_set, units, as_of)
        names = [f"{c.number}. {localized(c)}" for c in definition.criteria]
        key_columns = np.asarray(
            [c.number in definition.revocation_key_criteria for c in definition.criteria],
            dtype=bool,
        )
        for row in members:
            i = evaluation.position(row.unit.pk)
            statuses = evaluation.criterion_status[i]
            failed = statuses == Status.NOT_MET
            row.met = int(evaluation.met[i])
            row.total = evaluation.total
            row.failed = [n for n, f in zip(names, failed, strict=True) if f]
            row.key_failed = [n for n, f in zip(names, failed & key_columns, strict=True) if f]
            row.missing = int((statuses == Status.MISSING).sum())
            row.not_evaluable = int((statuses == Status.NOT_EVALUABLE).sum())
            row.failed_share = float(evaluation.failed_share[i])
            settings = in_force[provinces[row.unit.pk].pk]
            row.close_share = settings[CLOSE_SHARE].value
            row.flag = _flag(
                due=bool(evaluation.revocation_due[i]),
                share=row.failed_share,
                key_failed=bool(row.key_failed),
                close_share=(settings[CLOSE_SHARE].value or 0) / 100,
                close_on_key=bool(settings[CLOSE_ON_KEY].value),
                judged=row.met + row.failed_count,
            )


def _flag(
    *,
    due: bool,
    share: float,
    key_failed: bool,
    close_share: float,
    close_on_key: bool,
    judged: int,
) -> str:
    """due (the rule of 18/2022), close (the province's warning band), no data, or ok."""
    if due:
        return DUE
    if (close_share > 0 and share >= close_share - TOLERANCE) or (close_on_key and key_failed):
        return CLOSE
    if judged == 0:
        return NO_DATA
    return OK


def _attach_cases(rows: list[MonitoringRow]) -> None:
    cases = {
        c.recognition_id: c
        for c in RecognitionCase.objects.filter(
            recognition_id__in=[r.recognition.pk for r in rows]
        ).exclude(stage__in=CLOSED_STAGES)
    }
    for row in rows:
        row.case = cases.get(row.recognition.pk)
