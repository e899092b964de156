"""Read queries for recognition cases: lists per stage with their age, settings in force,
communes awaiting re-acknowledgement. A few queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from ntm.accounts.scope import Scope
from ntm.core.criteria.model import Tier
from ntm.core.hierarchy import REFORM_2025, search_key
from ntm.dashboards.evaluation import TIER_RANK, URBAN_KINDS
from ntm.recognition.models import (
    CLOSED_STAGES,
    ProcedureSetting,
    Reacknowledgement,
    Recognition,
    RecognitionCase,
    Stage,
)
from ntm.recognition.procedure import STAGE_STEP, deadline_key, setting_defs
from ntm.units.models import AdminUnit, Succession

# --- Who acts at each stage -----------------------------------------------------------------

COMMUNE, DISTRICT, PROVINCE = "commune", "district", "province"

#: The level that acts on a case at each stage (see services.py for the roles).
STAGE_ACTOR = {
    Stage.SELF_ASSESSMENT: COMMUNE,
    Stage.DOSSIER: COMMUNE,
    Stage.VERIFICATION: DISTRICT,
    Stage.APPRAISAL: PROVINCE,
    Stage.DECISION: PROVINCE,
    Stage.ANNOUNCEMENT: PROVINCE,
    Stage.MONITORING: PROVINCE,
    Stage.REVOCATION: PROVINCE,
}

#: Stages before the decision: the conditions are checked live, the dossier may still be
#: declared on and the case withdrawn.
BEFORE_DECISION = (
    Stage.SELF_ASSESSMENT,
    Stage.DOSSIER,
    Stage.VERIFICATION,
    Stage.APPRAISAL,
    Stage.DECISION,
)

#: Stages where a case waits for someone (monitoring is a standing state, closed stages
#: wait for nobody).
WAITING_STAGES = frozenset({*BEFORE_DECISION, Stage.ANNOUNCEMENT, Stage.REVOCATION})


def waiting_for(stage: str) -> str:
    """The level a case at a stage waits for ("" when it waits for nobody)."""
    return STAGE_ACTOR[stage] if stage in WAITING_STAGES else ""


#: Unit paths up to a province: a commune's parent is a district (before 1 July 2025) or
#: the province (after); a village adds a level.
PARENT_CHAIN = "unit__parent__parent__parent"


def province_of(unit: AdminUnit) -> AdminUnit | None:
    """The province a unit lies in (itself for a province); walks loaded parents."""
    current: AdminUnit | None = unit
    while current is not None and current.level != "province":
        current = current.parent
    return current


def has_district(unit: AdminUnit) -> bool:
    """Whether a commune has a district above it: every commune before 1 July 2025, none
    after (the 2025 reform removed the district level), so verification (thẩm tra) is skipped."""
    parent = unit.parent
    return parent is not None and parent.level == "district"


# --- Settings in force ---------------------------------------------------------------------


@dataclass(frozen=True)
class SettingValue:
    """A setting's value for a province on a date, and where it comes from."""

    key: str
    value: float | None
    row: ProcedureSetting | None

    @property
    def is_set(self) -> bool:
        return self.value is not None

    @property
    def is_default(self) -> bool:
        return self.row is None and self.value is not None


def settings_in_force(
    province_ids: Iterable[int], on: dt.date
) -> dict[int, dict[str, SettingValue]]:
    """For each province, every setting's value in force on a date: the newest row taking
    effect by then, else the data file's value (None for every legal setting).

    A province's settings include those recorded on the province it became or came from in
    a reorganization: what Hà Tĩnh's office sets today, under a decision of 2022, also
    applies to the cases of Hà Tĩnh's communes before 1 July 2025. Two queries.
    """
    ids = sorted(set(province_ids))
    linked: dict[int, set[int]] = {i: {i} for i in ids}
    for before, after in Succession.objects.filter(
        Q(predecessor_id__in=ids, successor__level="province")
        | Q(successor_id__in=ids, predecessor__level="province")
    ).values_list("predecessor_id", "successor_id"):
        if before in linked:
            linked[before].add(after)
        if after in linked:
            linked[after].add(before)
    all_ids = set().union(*linked.values()) if linked else set()
    by_province: dict[tuple[int, str], ProcedureSetting] = {}
    for row in ProcedureSetting.objects.filter(
        province_id__in=all_ids, decision_date__lte=on
    ).order_by("decision_date", "set_at", "id"):
        by_province[(row.province_id, row.key)] = row
    rows: dict[tuple[int, str], ProcedureSetting] = {}
    for province_id, group in linked.items():
        for key in setting_defs():
            found = [by_province[(p, key)] for p in group if (p, key) in by_province]
            if found:
                rows[(province_id, key)] = max(
                    found, key=lambda r: (r.decision_date, r.set_at, r.id)
                )
    result: dict[int, dict[str, SettingValue]] = {}
    for province_id in ids:
        values = {}
        for key, definition in setting_defs().items():
            row = rows.get((province_id, key))
            values[key] = SettingValue(key, row.value if row else definition.default, row)
        result[province_id] = values
    return result


def setting_value(province: AdminUnit | None, key: str, on: dt.date) -> SettingValue:
    if province is None:
        return SettingValue(key, setting_defs()[key].default, None)
    return settings_in_force([province.pk], on)[province.pk][key]


def setting_history(province: AdminUnit) -> list[ProcedureSetting]:
    return list(
        ProcedureSetting.objects.filter(province=province)
        .select_related("set_by")
        .order_by("-set_at", "-id")
    )


# --- The public list ------------------------------------------------------------------------


def public_recognitions() -> QuerySet[Recognition]:
    """Decisions the public sees: every decision recorded outside the workflow (the
    historical ones), and a case's decision once its announcement is recorded."""
    return Recognition.objects.filter(Q(case__isnull=True) | Q(case__announced_on__isnull=False))


# --- Case lists ---------------------------------------------------------------------------


def cases_in_scope(scope: Scope) -> QuerySet[RecognitionCase]:
    return scope.filter(RecognitionCase.objects.all(), "unit").select_related(
        PARENT_CHAIN, "recognition"
    )


@dataclass(frozen=True)
class StageCount:
    stage: str
    label: str
    actor: str
    count: int
    oldest_since: dt.datetime | None


def stage_counts(cases: QuerySet[RecognitionCase]) -> list[StageCount]:
    """How many cases wait at each stage, and since when the oldest waits: one query."""
    found = {
        row["stage"]: row
        for row in cases.order_by()
        .values("stage")
        .annotate(n=Count("id"), oldest=Min("stage_since"))
    }
    return [
        StageCount(
            stage=stage.value,
            label=str(stage.label),
            actor=waiting_for(stage),
            count=found[stage.value]["n"] if stage.value in found else 0,
            oldest_since=found[stage.value]["oldest"] if stage.value in found else None,
        )
        for stage in Stage
    ]


@dataclass
class CaseRow:
    """A case in a list, with how long it has waited and against which deadline."""

    case: RecognitionCase
    age_days: int
    actor: str
    deadline_days: int | None = None
    #: the stage has a deadline step whose duration the province has not set
    deadline_unset: bool = False

    @property
    def overdue_days(self) -> int:
        if self.deadline_days is None:
            return 0
        return max(self.age_days - self.deadline_days, 0)


def case_rows(cases: Sequence[RecognitionCase], *, now: dt.datetime | None = None) -> list[CaseRow]:
    """Rows for cases already loaded with their unit's parents; one query for the deadlines."""
    now = now or timezone.now()
    provinces = {c.pk: province_of(c.unit) for c in cases}
    in_force = settings_in_force(
        (p.pk for p in provinces.values() if p is not None), timezone.localdate()
    )
    rows = []
    for case in cases:
        age = max((now - case.stage_since).days, 0)
        row = CaseRow(case=case, age_days=age, actor=waiting_for(case.stage))
        step = STAGE_STEP.get(case.stage)
        province = provinces[case.pk]
        if step is not None and case.stage not in CLOSED_STAGES:
            value = (
                in_force[province.pk][deadline_key(step)].value if province is not None else None
            )
            row.deadline_days = int(value) if value is not None else None
            row.deadline_unset = value is None
        rows.append(row)
    return rows


def filter_cases(
    cases: QuerySet[RecognitionCase],
    *,
    stage: str = "",
    tier: str = "",
    year: int | None = None,
    unit_id: int | None = None,
    text: str = "",
) -> QuerySet[RecognitionCase]:
    if stage:
        cases = cases.filter(stage=stage)
    if tier:
        cases = cases.filter(tier=tier)
    if year:
        cases = cases.filter(year=year)
    if unit_id:
        cases = cases.filter(unit_id=unit_id)
    if text:
        from ntm.core.hierarchy import search_key

        key = search_key(text)
        cases = cases.filter(
            Q(unit__search_name__contains=key) | Q(unit__parent__search_name__contains=key)
        )
    return cases


# --- Re-acknowledgement after the 2025 merges ------------------------------------------------


@dataclass
class AwaitingCommune:
    """A commune formed on 1 July 2025 whose predecessors held recognitions then."""

    unit: AdminUnit
    predecessors: list[AdminUnit]
    #: recognitions in force on 30 June 2025, by predecessor id
    recognitions: dict[int, list[Recognition]] = field(default_factory=dict)
    acknowledged: list[Reacknowledgement] = field(default_factory=list)

    @property
    def recognized_count(self) -> int:
        return sum(1 for p in self.predecessors if self.recognitions.get(p.pk))

    def lowest_tier_of_all(self) -> str | None:
        """The highest tier every predecessor held (None when one held none): a fact to
        show, not a rule: which tier to acknowledge is the province's decision."""
        ranks = []
        for predecessor in self.predecessors:
            held = self.recognitions.get(predecessor.pk) or []
            if not held:
                return None
            ranks.append(max(TIER_RANK[Tier(r.tier)] for r in held))
        lowest = min(ranks)
        return next(
            t.value for t in (Tier.STANDARD, Tier.ADVANCED, Tier.MODEL) if TIER_RANK[t] == lowest
        )

    @property
    def is_done(self) -> bool:
        return bool(self.acknowledged)


def awaiting_reacknowledgement(
    province: AdminUnit, scope: Scope, *, include_done: bool = False
) -> list[AwaitingCommune]:
    """Rural communes of a post-2025 province whose predecessors held a recognition in force
    on 30 June 2025, with what they held; those already re-acknowledged only when asked.
    Four queries."""
    last_day = REFORM_2025 - dt.timedelta(days=1)
    communes = list(
        scope.filter(
            AdminUnit.objects.filter(parent=province, level="commune", valid_from__gte=REFORM_2025)
        )
        .exclude(kind__in=URBAN_KINDS)
        .order_by("name", "id")
    )
    by_id = {c.pk: c for c in communes}
    predecessors: dict[int, list[AdminUnit]] = defaultdict(list)
    for link in (
        Succession.objects.filter(successor_id__in=by_id)
        .select_related("predecessor")
        .order_by("predecessor__name", "predecessor_id")
    ):
        predecessors[link.successor_id].append(link.predecessor)
    predecessor_ids = {p.pk for group in predecessors.values() for p in group}
    held: dict[int, list[Recognition]] = defaultdict(list)
    for recognition in (
        Recognition.objects.filter(unit_id__in=predecessor_ids, decision_date__lte=last_day)
        .exclude(revocation__decision_date__lte=last_day)
        .select_related("unit")
        .order_by("decision_date", "id")
    ):
        held[recognition.unit_id].append(recognition)
    done: dict[int, list[Reacknowledgement]] = defaultdict(list)
    for row in Reacknowledgement.objects.filter(unit_id__in=by_id).order_by("decision_date"):
        done[row.unit_id].append(row)
    result = []
    for commune in communes:
        before = predecessors.get(commune.pk, [])
        recognitions = {p.pk: held[p.pk] for p in before if held.get(p.pk)}
        if not recognitions:
            continue
        item = AwaitingCommune(commune, before, recognitions, done.get(commune.pk, []))
        if item.is_done and not include_done:
            continue
        result.append(item)
    return result


def awaiting_for_unit(unit: AdminUnit) -> AwaitingCommune | None:
    """The re-acknowledgement state of one commune formed on 1 July 2025 (None otherwise)."""
    if unit.level != "commune" or unit.valid_from is None or unit.valid_from < REFORM_2025:
        return None
    province = province_of(unit)
    if province is None:
        return None
    found = [
        item
        for item in awaiting_reacknowledgement(
            province, Scope(frozenset({unit.pk})), include_done=True
        )
        if item.unit.pk == unit.pk
    ]
    return found[0] if found else None


def provinces_in_scope(scope: Scope) -> list[AdminUnit]:
    """Provinces (both eras) a user may configure: newest era first."""
    return list(
        scope.filter(AdminUnit.objects.filter(level="province")).order_by(
            "name", F("valid_from").desc(nulls_last=True)
        )
    )


# --- The public recognition list (moved out of its page, issue 10) ----------------------

# A recognized unit is at most a village: village > commune > district > province.
ANCESTOR_PATHS = ("unit", "unit__parent", "unit__parent__parent", "unit__parent__parent__parent")


def filter_recognitions(
    rows: QuerySet[Recognition], *, province_id: int | None, tier: str, text: str
) -> QuerySet[Recognition]:
    """The recognitions within a province, of a tier, or whose decision, issuer or unit
    names hold a text (any of them may be empty)."""
    if province_id:
        within = Q()
        for path in ANCESTOR_PATHS:
            within |= Q(**{f"{path}_id": province_id})
        rows = rows.filter(within)
    if tier:
        rows = rows.filter(tier=tier)
    if text:
        key = search_key(text)
        matches = Q(decision_number__icontains=text) | Q(issuer__icontains=text)
        for path in ANCESTOR_PATHS[:3]:
            matches |= Q(**{f"{path}__search_name__contains": key})
        rows = rows.filter(matches)
    return rows


def provinces_with_recognitions() -> list[AdminUnit]:
    """Provinces (of either era) that hold at least one recognized unit: two queries."""
    chains = Recognition.objects.values_list(
        "unit_id",
        "unit__level",
        "unit__parent_id",
        "unit__parent__level",
        "unit__parent__parent_id",
        "unit__parent__parent__level",
        "unit__parent__parent__parent_id",
    ).distinct()
    province_ids = set()
    for chain in chains:
        ids, levels = chain[0::2], (*chain[1::2], "province")
        for unit_id, level in zip(ids, levels, strict=True):
            if level == "province" and unit_id:
                province_ids.add(unit_id)
                break
    return list(AdminUnit.objects.filter(id__in=province_ids).order_by("name", "valid_from", "id"))
