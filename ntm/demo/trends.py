"""Year ends 2021, 2022 and 2023 for the Hà Tĩnh and Thanh Hóa communes, so trends have data.

The synthetic data (``ntm.demo.synthetic``) gives these communes a state at the end of
2020 (under the set of the time) and at the end of 2024 (under the 2021-2025 set). The
years between are filled in, consistent with both ends and with the recognitions:

- 2021 is still judged under the 2016-2020 sets (Decision 318/QĐ-TTg took effect on
  8/3/2022): a commune recognized by the end of 2021 meets every criterion; the others
  gain a few of the criteria they missed in 2020.
- 2022 and 2023 are judged under the 2021-2025 set: a commune recognized by then meets
  every criterion; the others meet a little less than they do at the end of 2024.

Only changes are written for 2021 and 2023 (the newest certification decides), the whole
state for 2022 (the first under the new set), with a fixed seed and the demo source.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from django.db.models import Q

from ntm.demo import writes
from ntm.demo.synthetic import (
    END_2020,
    END_2024,
    HA_TINH,
    INCOME_2016,
    INCOME_THRESHOLD_BTB_2020,
    SOURCE,
    THANH_HOA,
)
from ntm.recognition.models import Recognition
from ntm.units.models import AdminUnit
from ntm.values.bulk import CellInput
from ntm.values.bulk_records import CertificationRow
from ntm.values.models import CriterionCertification

SEED = 20220308
END_2021, END_2022, END_2023 = date(2021, 12, 31), date(2022, 12, 31), date(2023, 12, 31)


def _states(unit_ids: list[int], on: date) -> dict[int, dict[str, bool]]:
    """The synthetic certifications of each unit on a day, by criterion key."""
    states: dict[int, dict[str, bool]] = {}
    rows = CriterionCertification.objects.filter(
        unit_id__in=unit_ids, certified_on=on, source=SOURCE, is_current=True
    ).values_list("unit_id", "criterion_key", "is_met")
    for unit_id, key, is_met in rows:
        states.setdefault(unit_id, {})[key] = is_met
    return states


def _flip(rng: np.random.Generator, keys: list[str], met: dict[str, bool], count: int) -> list[str]:
    """Up to `count` of the unmet criteria, chosen at random, in the set's order."""
    unmet = [k for k in keys if not met[k]]
    if count <= 0 or not unmet:
        return []
    chosen = set(rng.choice(len(unmet), size=min(count, len(unmet)), replace=False).tolist())
    return [k for i, k in enumerate(unmet) if i in chosen]


def load_trends() -> int:
    """Write the year-end certifications 2021-2023 (and the incomes behind income gained in
    2021); returns how many rows were written."""
    rng = np.random.default_rng(SEED)
    in_provinces = Q(
        parent__parent__code__in=[HA_TINH, THANH_HOA], parent__parent__level="province"
    )
    spans = {
        uid: (start, end)
        for uid, start, end in AdminUnit.objects.filter(
            in_provinces, level="commune", kind="commune"
        )
        .order_by("id")
        .values_list("id", "valid_from", "valid_to")
    }
    communes = list(spans)

    def in_force(unit_id: int, on: date) -> bool:
        """A commune formed in 2024 has no year end 2022 (the service would refuse it)."""
        start, end = spans[unit_id]
        return (start is None or start <= on) and (end is None or on < end)

    standard_year: dict[int, int] = {}
    for unit_id, decided in Recognition.objects.filter(
        unit_id__in=communes, tier="standard"
    ).values_list("unit_id", "decision_date"):
        standard_year[unit_id] = min(standard_year.get(unit_id, 9999), decided.year)
    rows: list[CertificationRow] = []
    incomes: list[CellInput] = []

    def certify(unit_id: int, keys: list[str], met: dict[str, bool], on: date) -> None:
        if in_force(unit_id, on):
            rows.extend(CertificationRow(unit_id, k, met[k], on, source=SOURCE) for k in keys)

    # 2021, under the set each commune was judged by in 2020: only the criteria gained.
    for unit_id, state in sorted(_states(communes, END_2020).items()):
        keys = sorted(state)
        year = standard_year.get(unit_id, 9999)
        gained = (
            [k for k in keys if not state[k]]
            if year <= 2021
            else _flip(rng, keys, state, int(rng.integers(0, 4)))
        )
        certify(unit_id, gained, dict.fromkeys(gained, True), END_2021)
        if INCOME_2016 in gained and in_force(unit_id, END_2021):
            # The income gained is backed by a value above the threshold, not only a decision.
            incomes.append(
                CellInput(
                    unit_id=unit_id,
                    indicator_key=INCOME_2016,
                    observed_on=END_2021,
                    value=round(INCOME_THRESHOLD_BTB_2020 + float(rng.uniform(0.5, 6)), 1),
                    source=SOURCE,
                )
            )

    # 2022 and 2023, under the 2021-2025 set, a little behind the end of 2024.
    for unit_id, state in sorted(_states(communes, END_2024).items()):
        keys = sorted(state, key=lambda k: int(k.rsplit(":", 1)[1]))
        year = standard_year.get(unit_id, 9999)
        if year <= 2022:
            certify(unit_id, keys, dict.fromkeys(keys, True), END_2022)
            continue
        in_2023 = dict.fromkeys(keys, True) if year == 2023 else dict(state)
        if year > 2023:
            met_keys = [k for k in keys if in_2023[k]]
            lost = int(rng.integers(0, 3))
            for i in rng.choice(len(met_keys), size=min(lost, len(met_keys)), replace=False):
                in_2023[met_keys[int(i)]] = False
        in_2022 = dict(in_2023)
        met_keys = [k for k in keys if in_2022[k]]
        lost = int(rng.integers(1, 4))
        for i in rng.choice(len(met_keys), size=min(lost, len(met_keys)), replace=False):
            in_2022[met_keys[int(i)]] = False
        certify(unit_id, keys, in_2022, END_2022)
        changed = [k for k in keys if in_2023[k] != in_2022[k]]
        certify(unit_id, changed, in_2023, END_2023)

    return writes.certifications(rows) + writes.values(incomes)
