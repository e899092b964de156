"""Plausible values for every unit the reports do not speak of, from a fixed seed.

Everything written here has a `source` starting with "demo", so pages label it as demo
data. Rows are written through the bulk services (``ntm.demo.writes``), with their checks
and audit entries: a national run is a few hundred thousand rows.

- Every rural commune (xã) in force at the end of 2024: each criterion of the national
  commune set 2021-2025 certified met or not met on 2024-12-31; about four in five
  communes recognized at standard (some later advanced, a few model), a few of them
  slipping on one or two criteria since (the "falling below standard" risk).
- Communes created by a merge or a move in the first half of 2025 (Hàm Trường, Mỹ Long,
  Châu Bình in Hương Sơn; Lộc Hà's communes moved into Thạch Hà): certified on their first
  day from their predecessors' end of 2024 (a criterion met when every predecessor met it),
  and recognized at the lowest tier all predecessors held, as a province acknowledges the
  status of a merged commune.
- Hà Tĩnh and Thanh Hóa in detail: the state at the end of 2020 under the set of the time
  (Hà Tĩnh's 20-criterion variant, the national 2016-2020 set for Thanh Hóa) with
  income values, and their 2025 communes under the 2026-2030 set on 2026-06-30.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from ntm.criteria.selectors import get_set
from ntm.dashboards.evaluation import recognized_tier_rank
from ntm.demo import writes
from ntm.units.models import AdminUnit, Succession
from ntm.units.selectors import in_force_on
from ntm.values.bulk import CellInput
from ntm.values.bulk_records import CertificationRow, RecognitionRow

SEED = 20210925
SOURCE = "demo: số liệu mô phỏng (seed cố định)"
END_2020 = date(2020, 12, 31)
END_2024 = date(2024, 12, 31)
MID_2025 = date(2025, 6, 30)
MID_2026 = date(2026, 6, 30)
HA_TINH, THANH_HOA = "42", "38"
INCOME_2016 = "commune-ntm-2016-2020:10"
INCOME_THRESHOLD_BTB_2020 = 36.0  # million VND, the verified BTB threshold from 2020


@dataclass
class SyntheticReport:
    certifications: int = 0
    values: int = 0
    recognitions: int = 0


def _province_of(parents: dict[int, int | None], levels: dict[int, str], uid: int) -> int | None:
    while uid is not None and levels.get(uid) != "province":
        uid = parents.get(uid)
    return uid


def _criteria(set_id: str) -> tuple[list[str], object]:
    stored = get_set(set_id)
    return [c.key for c in stored.to_domain().criteria], stored


@dataclass
class _Units:
    """Every unit's parent, level, code and first day, from one query."""

    parents: dict[int, int | None]
    levels: dict[int, str]
    codes: dict[int, str]
    starts: dict[int, date]

    @classmethod
    def load(cls) -> _Units:
        rows = list(AdminUnit.objects.values_list("id", "parent_id", "level", "code", "valid_from"))
        return cls(
            parents={r[0]: r[1] for r in rows},
            levels={r[0]: r[2] for r in rows},
            codes={r[0]: r[3] for r in rows},
            starts={r[0]: r[4] for r in rows if r[4] is not None},
        )

    def decided(self, uid: int, day: date) -> date:
        """A drawn decision day, or the unit's first day when it did not exist yet (a
        commune formed in 2019 cannot have been recognized in 2013: the service refuses)."""
        start = self.starts.get(uid)
        return max(day, start) if start is not None else day

    def province_code(self, uid: int) -> str | None:
        pid = _province_of(self.parents, self.levels, uid)
        return self.codes.get(pid) if pid else None


@dataclass
class _Rows:
    """The rows to write, gathered before the bulk services write them."""

    certs: list[CertificationRow] = field(default_factory=list)
    values: list[CellInput] = field(default_factory=list)
    recognitions: list[RecognitionRow] = field(default_factory=list)

    def certify(self, uid: int, keys: list[str], met: np.ndarray, on: date) -> None:
        self.certs.extend(
            CertificationRow(uid, k, bool(m), on, source=SOURCE)
            for k, m in zip(keys, met, strict=True)
        )


@dataclass
class _Draw2024:
    """The national draw of 2024, one entry per commune (in id order)."""

    communes: list[int]
    recognized: np.ndarray
    recognized_year: np.ndarray
    advanced: np.ndarray
    advanced_year: np.ndarray
    model: np.ndarray
    slipping: np.ndarray


def _draw_2024(
    rng: np.random.Generator, skip_unit_ids: set[int], recognized_ids: set[int]
) -> _Draw2024:
    """Every xã in force at the end of 2024 (but the seed units), and who is recognized,
    when, at which tier, and who slips."""
    communes = list(
        AdminUnit.objects.filter(in_force_on(END_2024), level="commune", kind="commune")
        .exclude(pk__in=skip_unit_ids)
        .order_by("id")
        .values_list("id", flat=True)
    )
    n = len(communes)
    recognized = (rng.random(n) < 0.78) | np.isin(communes, list(recognized_ids))
    recognized_year = rng.integers(2012, 2025, n)
    advanced = recognized & (rng.random(n) < 0.22) & (recognized_year <= 2021)
    advanced_year = np.minimum(recognized_year + rng.integers(2, 5, n), 2024)
    model = advanced & (rng.random(n) < 0.1) & (advanced_year <= 2023)
    slipping = recognized & (rng.random(n) < 0.06)
    return _Draw2024(
        communes, recognized, recognized_year, advanced, advanced_year, model, slipping
    )


def _met_of(rng: np.random.Generator, recognized: bool, slipping: bool, k: int) -> np.ndarray:
    """A commune's criteria: all met when recognized, but one or two for one that slips;
    eight or more met when not recognized."""
    if recognized and not slipping:
        return np.ones(k, dtype=bool)
    if recognized:
        met = np.ones(k, dtype=bool)
        met[rng.choice(k, size=rng.integers(1, 3), replace=False)] = False
        return met
    met = np.zeros(k, dtype=bool)
    met[rng.choice(k, size=rng.integers(8, k), replace=False)] = True
    return met


def _recognitions_2024(
    uid: int, i: int, draw: _Draw2024, units: _Units, sets: dict[str, Any], demo_decides: bool
) -> list[RecognitionRow]:
    """A recognized commune's standard decision, and its advanced and model ones (unless
    the demo decides those: `demo_decides`)."""
    standard_day = units.decided(uid, date(int(draw.recognized_year[i]), 12, 15))
    year = standard_day.year
    in_hatinh = units.province_code(uid) == HA_TINH
    standard_set = (
        sets["2125"]
        if year >= 2022
        else (sets["hatinh"] if in_hatinh and year >= 2017 else sets["2016"])
    )
    rows = [
        RecognitionRow(
            unit_id=uid,
            tier="standard",
            criteria_set_id=standard_set.pk,
            decision_number=f"DEMO-{uid}/QĐ-UBND",
            decision_date=standard_day,
            issuer="UBND tỉnh (demo)",
            source=SOURCE,
        )
    ]
    if draw.advanced[i] and not demo_decides:
        rows.append(
            RecognitionRow(
                unit_id=uid,
                tier="advanced",
                criteria_set_id=sets["advanced"].pk if draw.advanced_year[i] >= 2022 else None,
                decision_number=f"DEMO-NC-{uid}/QĐ-UBND",
                decision_date=units.decided(uid, date(int(draw.advanced_year[i]), 11, 30)),
                issuer="UBND tỉnh (demo)",
                source=SOURCE,
            )
        )
    if draw.model[i] and not demo_decides:
        rows.append(
            RecognitionRow(
                unit_id=uid,
                tier="model",
                decision_number=f"DEMO-KM-{uid}/QĐ-UBND",
                decision_date=units.decided(uid, date(int(draw.advanced_year[i]) + 1, 11, 30)),
                issuer="UBND tỉnh (demo)",
                source=SOURCE,
            )
        )
    return rows


def _national_2024(
    rng: np.random.Generator,
    draw: _Draw2024,
    units: _Units,
    rows: _Rows,
    *,
    sets: dict[str, Any],
    recognized_ids: set[int],
    standard_only_ids: set[int],
) -> tuple[np.ndarray, set[int]]:
    """1. National: every xã at the end of 2024 under the 2021-2025 set, and the
    recognitions of the recognized ones. Returns what each met, and who was recognized by
    2020."""
    keys = sets["keys_2125"]
    recognized_2020: set[int] = set(recognized_ids)
    met_2024 = np.zeros((len(draw.communes), len(keys)), dtype=bool)
    for i, uid in enumerate(draw.communes):
        met = _met_of(rng, bool(draw.recognized[i]), bool(draw.slipping[i]), len(keys))
        met_2024[i] = met
        rows.certify(uid, keys, met, END_2024)
        if uid in recognized_ids or not draw.recognized[i]:
            continue  # a seed report's own records, or not recognized
        found = _recognitions_2024(uid, i, draw, units, sets, uid in standard_only_ids)
        if found[0].decision_date.year <= 2020:
            recognized_2020.add(uid)
        rows.recognitions.extend(found)
    return met_2024, recognized_2020


def _provinces_2020(
    rng: np.random.Generator,
    units: _Units,
    rows: _Rows,
    *,
    sets: dict[str, Any],
    skip_unit_ids: set[int],
    recognized_2020: set[int],
) -> None:
    """2. Hà Tĩnh and Thanh Hóa at the end of 2020, under the set of the time, with income."""
    communes_2020 = [
        uid
        for uid in AdminUnit.objects.filter(in_force_on(END_2020), level="commune", kind="commune")
        .exclude(pk__in=skip_unit_ids)
        .order_by("id")
        .values_list("id", flat=True)
        if units.province_code(uid) in (HA_TINH, THANH_HOA)
    ]
    for uid in communes_2020:
        keys = sets["keys_hatinh"] if units.province_code(uid) == HA_TINH else sets["keys_2016"]
        k = len(keys)
        if uid in recognized_2020:
            met = np.ones(k, dtype=bool)
        else:
            met = np.zeros(k, dtype=bool)
            met[rng.choice(k, size=rng.integers(7, k), replace=False)] = True
        rows.certify(uid, keys, met, END_2020)
        income_met = met[keys.index("commune-ntm-2016-2020:10")]
        income = (
            INCOME_THRESHOLD_BTB_2020 + rng.uniform(0.5, 14)
            if income_met
            else INCOME_THRESHOLD_BTB_2020 - rng.uniform(0.5, 9)
        )
        rows.values.append(
            CellInput(
                unit_id=uid,
                indicator_key=INCOME_2016,
                observed_on=END_2020,
                value=round(float(income), 1),
                source=SOURCE,
            )
        )


def _communes_2026(
    rng: np.random.Generator, units: _Units, rows: _Rows, *, skip_unit_ids: set[int]
) -> None:
    """3. The 2025 communes of Hà Tĩnh and Thanh Hóa under the 2026-2030 set."""
    keys_2630, _ = _criteria("commune-ntm-2026-2030")
    for uid in (
        AdminUnit.objects.filter(in_force_on(MID_2026), level="commune")
        .exclude(pk__in=skip_unit_ids)
        .order_by("id")
        .values_list("id", flat=True)
    ):
        if units.province_code(uid) not in (HA_TINH, THANH_HOA):
            continue
        k = len(keys_2630)
        met = np.zeros(k, dtype=bool)
        met[rng.choice(k, size=rng.integers(4, k + 1), replace=False)] = True
        rows.certify(uid, keys_2630, met, MID_2026)


def _sets() -> dict[str, Any]:
    """The criteria sets the draw uses, and the keys of their criteria."""
    keys_2125, set_2125 = _criteria("commune-ntm-2021-2025")
    keys_2016, set_2016 = _criteria("commune-ntm-2016-2020")
    keys_hatinh, set_hatinh = _criteria("hatinh-commune-ntm")
    return {
        "2125": set_2125,
        "keys_2125": keys_2125,
        "advanced": get_set("commune-ntm-nang-cao-2021-2025"),
        "2016": set_2016,
        "keys_2016": keys_2016,
        "hatinh": set_hatinh,
        "keys_hatinh": keys_hatinh,
    }


def load_synthetic(
    *, skip_unit_ids: set[int], recognized_ids: set[int], standard_only_ids: set[int] = frozenset()
) -> SyntheticReport:
    """Write the synthetic rows; `skip_unit_ids` are the seed units, left as the reports say;
    `standard_only_ids` get no synthetic advanced or model recognition (the demo decides
    theirs: Kỳ Anh's communes of report 002). The draws come in a fixed order from one
    seed: 2024 nationally, 2020 in the two provinces, their 2025 communes."""
    rng = np.random.default_rng(SEED)
    units = _Units.load()
    rows = _Rows()
    sets = _sets()
    draw = _draw_2024(rng, skip_unit_ids, recognized_ids)
    met_2024, recognized_2020 = _national_2024(
        rng, draw, units, rows, sets=sets, recognized_ids=recognized_ids,
        standard_only_ids=standard_only_ids,
    )  # fmt: skip
    _provinces_2020(
        rng, units, rows, sets=sets, skip_unit_ids=skip_unit_ids, recognized_2020=recognized_2020
    )
    _communes_2026(rng, units, rows, skip_unit_ids=skip_unit_ids)
    report = SyntheticReport(
        certifications=writes.certifications(rows.certs),
        values=writes.values(rows.values),
        recognitions=writes.recognitions(rows.recognitions),
    )
    # 4. Communes of early 2025, from their predecessors (needs the recognitions above).
    merged = _communes_of_early_2025(
        np.asarray(draw.communes, dtype=np.int64),
        met_2024,
        keys=sets["keys_2125"],
        sets={"standard": sets["2125"], "advanced": sets["advanced"]},
        skip_unit_ids=skip_unit_ids,
    )
    report.certifications += merged.certifications
    report.recognitions += merged.recognitions
    return report


RANK_TIERS = {1: "standard", 2: "advanced", 3: "model"}


def _communes_of_early_2025(
    communes_2024: np.ndarray,
    met_2024: np.ndarray,
    *,
    keys: list[str],
    sets: dict[str, object],
    skip_unit_ids: set[int],
) -> SyntheticReport:
    """Communes in force on 2025-06-30 with no data of 2024: certified on their first day,
    each criterion met when all their predecessors met it on 2024-12-31."""
    report = SyntheticReport()
    new = (
        AdminUnit.objects.filter(in_force_on(MID_2025), level="commune", kind="commune")
        .exclude(pk__in=skip_unit_ids)
        .exclude(pk__in=communes_2024.tolist())
    )
    starts = dict(new.values_list("id", "valid_from"))
    links = list(
        Succession.objects.filter(successor_id__in=list(starts))
        .order_by("successor_id", "predecessor_id")
        .values_list("successor_id", "predecessor_id")
    )
    if not links:
        return report
    successor_ids = np.asarray([s for s, _ in links], dtype=np.int64)
    predecessor_ids = np.asarray([p for _, p in links], dtype=np.int64)
    # communes_2024 is sorted by id: find each predecessor's row of 2024 by bisection.
    rows = np.searchsorted(communes_2024, predecessor_ids)
    known = (rows < len(communes_2024)) & (
        communes_2024[np.minimum(rows, len(communes_2024) - 1)] == predecessor_ids
    )
    successor_ids, predecessor_ids, rows = successor_ids[known], predecessor_ids[known], rows[known]
    if not len(successor_ids):
        return report
    targets, first = np.unique(successor_ids, return_index=True)
    # A criterion is met by the new commune when every predecessor met it.
    met = np.logical_and.reduceat(met_2024[rows], first, axis=0)
    ranks = recognized_tier_rank(np.unique(predecessor_ids), END_2024)
    predecessor_rank = ranks[np.searchsorted(np.unique(predecessor_ids), predecessor_ids)]
    rank = np.minimum.reduceat(predecessor_rank, first)
    note = "Dữ liệu demo: suy ra từ các xã trước sắp xếp (đạt khi mọi xã cũ đều đạt)."
    certs = [
        CertificationRow(int(uid), key, bool(is_met), starts[int(uid)], source=SOURCE, note=note)
        for uid, row in zip(targets, met, strict=True)
        for key, is_met in zip(keys, row, strict=True)
    ]
    recognitions = [
        RecognitionRow(
            unit_id=int(uid),
            tier=RANK_TIERS[int(r)],
            criteria_set_id=getattr(sets.get(RANK_TIERS[int(r)]), "pk", None),
            decision_number=f"DEMO-SX-{int(uid)}/QĐ-UBND",
            decision_date=starts[int(uid)],
            issuer="UBND tỉnh (demo)",
            source=SOURCE,
            note="Dữ liệu demo: thừa nhận mức đạt chuẩn chung của các xã trước sắp xếp.",
        )
        for uid, r in zip(targets, rank, strict=True)
        if r > 0
    ]
    report.certifications = writes.certifications(certs)
    report.recognitions = writes.recognitions(recognitions)
    return report
