"""Evaluate many units on several dates from one read of their values.

A dashboard that shows the state at each year end reads the values and certifications of
all units up to the last date once (``ntm.values.inputs``) and runs the engine on
each date's inputs. A test checks that every date gives the same result as
``evaluate_units``.

Recognitions are read once too: the tier each unit holds on each date comes from the
same rows (``ranks_on``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from ntm.core import dashboard
from ntm.core.criteria import engine
from ntm.core.criteria.model import Tier
from ntm.criteria.models import CriteriaSet
from ntm.dashboards.evaluation import TIER_RANK, UnitRows, child_aggregates
from ntm.recognition.models import Recognition
from ntm.values.inputs import (
    as_text,
    day_numbers,
    for_units,
    positions_of,
    raw_rows,
    read_inputs,
)

__all__ = [
    "RecognitionRows",
    "as_text",
    "day_numbers",
    "evaluate_on_dates",
    "for_units",
    "raw_rows",
]


def evaluate_on_dates(
    criteria_set: CriteriaSet, unit_rows: UnitRows, dates: Sequence[date]
) -> dict[date, engine.Evaluation]:
    """The evaluation of every unit on each date: two reads of values, then arrays."""
    definition = criteria_set.to_domain()
    frame = unit_rows.frame()
    results: dict[date, engine.Evaluation] = {}
    for day, inputs in read_inputs(definition, unit_rows.ids, dates).items():
        aggregates = child_aggregates(definition, unit_rows, day)
        if aggregates:
            inputs = replace(inputs, values={**inputs.values, **aggregates})
        results[day] = engine.evaluate(definition, frame, inputs, day)
    return results


@dataclass(frozen=True)
class RecognitionRows:
    """Every recognition decision of some units, to tell the tier each held on any day."""

    unit_ids: np.ndarray
    position: np.ndarray
    rank: np.ndarray
    decided: np.ndarray
    revoked: np.ndarray

    @classmethod
    def read(cls, unit_ids: np.ndarray) -> RecognitionRows:
        """All decisions (and revocations) of the units (sorted ids), in one query."""
        rows = (
            raw_rows(
                Recognition.objects.filter(**for_units(unit_ids)).values_list(
                    "unit_id",
                    "tier",
                    as_text("decision_date"),
                    as_text("revocation__decision_date"),
                )
            )
            if len(unit_ids)
            else []
        )
        columns = list(zip(*rows, strict=True)) if rows else [()] * 4
        position, inside = positions_of(unit_ids, np.asarray(columns[0], dtype=np.int64))
        revoked = np.full(len(rows), dashboard.NEVER, dtype=np.int64)
        has_revocation = np.array([d is not None for d in columns[3]], dtype=bool)
        if has_revocation.any():
            revoked[has_revocation] = day_numbers([d for d in columns[3] if d is not None])
        return cls(
            unit_ids=unit_ids,
            position=position[inside],
            rank=np.array([TIER_RANK[Tier(t)] for t in columns[1]], dtype=np.int64)[inside],
            decided=day_numbers(columns[2])[inside],
            revoked=revoked[inside],
        )

    def ranks_on(self, day: date) -> np.ndarray:
        """The highest tier rank each unit holds on the day (0 = none)."""
        return dashboard.ranks_on(
            self.position, self.rank, self.decided, self.revoked, len(self.unit_ids),
            day.toordinal(),
        )  # fmt: skip
