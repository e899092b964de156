"""Read the values and certifications of many units once, and cut each date's engine inputs.

The one reader behind ``evaluation.evaluate_units`` (one date) and
``over_time.evaluate_on_dates`` (several dates): values and certifications up to the last
date are read as raw rows, without Django's per-value converters, in two queries; each
date's inputs are the newest row per (unit, key) on or before it, found with array
operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast

from ntm.core.criteria import engine
from ntm.core.criteria.model import CriteriaSetDef, IndicatorKind
from ntm.values.models import CriterionCertification, IndicatorValue


def as_text(field: str) -> Cast:
    """A date column read as ISO text: parsed by numpy in one go rather than row by row."""
    return Cast(field, output_field=CharField())


def raw_rows(queryset: QuerySet) -> list[tuple[Any, ...]]:
    """The rows of a values_list queryset, straight from the database cursor."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


#: Above this many units, queries read every unit's rows and drop the others afterwards:
#: a list of ten thousand ids costs more to build and send than the rows it saves.
LONG_LIST = 1000


def for_units(unit_ids: np.ndarray, field: str = "unit_id") -> dict[str, list[int]]:
    """Filter arguments restricting a query to the units, unless the list is long."""
    if len(unit_ids) > LONG_LIST:
        return {}
    return {f"{field}__in": unit_ids.tolist()}


def positions_of(unit_ids: np.ndarray, column: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's position among the (sorted) unit ids, and whether it is one of them."""
    if not len(unit_ids):
        return np.zeros(len(column), dtype=np.int64), np.zeros(len(column), dtype=bool)
    position = np.searchsorted(unit_ids, column)
    inside = unit_ids[np.minimum(position, len(unit_ids) - 1)] == column
    return position.astype(np.int64), inside


def day_numbers(column: Sequence[Any]) -> np.ndarray:
    """Dates as day ordinals (``date.toordinal``), whether the driver gave text or dates."""
    if not len(column):
        return np.zeros(0, dtype=np.int64)
    if isinstance(column[0], str):
        epoch = date(1970, 1, 1).toordinal()
        return np.asarray(column, dtype="datetime64[D]").astype(np.int64) + epoch
    return np.fromiter((d.toordinal() for d in column), dtype=np.int64, count=len(column))


def _floats(column: Sequence[Any]) -> np.ndarray:
    """Numbers (or booleans) with None as NaN."""
    values = np.array(column, dtype=object)
    values[np.equal(values, None)] = np.nan
    return values.astype(float)


@dataclass(frozen=True)
class _Cells:
    """Rows (unit position, key position, day, fields...) as parallel arrays."""

    unit: np.ndarray
    key: np.ndarray
    day: np.ndarray
    fields: tuple[np.ndarray, ...]

    def latest_on(self, day: int, n_keys: int) -> np.ndarray:
        """Indices of the last row per (unit, key) observed on or before the day."""
        rows = np.flatnonzero(self.day <= day)
        if not len(rows):
            return rows
        cell = self.unit[rows] * n_keys + self.key[rows]
        order = np.lexsort((self.day[rows], cell))
        ordered = cell[order]
        last = np.r_[ordered[1:] != ordered[:-1], True]
        return rows[order[last]]


def _cells(
    rows: list[tuple[Any, ...]], unit_ids: np.ndarray, keys: Sequence[str], n_fields: int
) -> _Cells:
    """Rows of the units (others dropped) as arrays; keys become their positions in `keys`."""
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return _Cells(empty, empty, empty, tuple(np.zeros(0) for _ in range(n_fields)))
    columns = list(zip(*rows, strict=True))
    position, inside = positions_of(unit_ids, np.asarray(columns[0], dtype=np.int64))
    key_index = {k: i for i, k in enumerate(keys)}
    key = np.fromiter(map(key_index.__getitem__, columns[1]), dtype=np.int64, count=len(rows))
    return _Cells(
        unit=position[inside],
        key=key[inside],
        day=day_numbers(columns[2])[inside],
        fields=tuple(_floats(c)[inside] for c in columns[3:]),
    )


def read_inputs(
    definition: CriteriaSetDef, unit_ids: np.ndarray, dates: Sequence[date]
) -> dict[date, engine.Inputs]:
    """The engine inputs of the units (sorted ids) on each date, from two reads.

    Aggregate indicators are not read: they are computed from the children
    (``evaluation.child_aggregates``).
    """
    n = len(unit_ids)
    last = max(dates)
    entered = [i for i in definition.indicators if i.kind is not IndicatorKind.AGGREGATE]
    keys = [i.key for i in entered]
    criterion_keys = [c.key for c in definition.criteria]
    judgement = np.array([i.kind is IndicatorKind.JUDGEMENT for i in entered], dtype=bool)
    value_rows = _value_rows(unit_ids, keys, last) if keys and n else []
    cert_rows = _certification_rows(unit_ids, criterion_keys, last) if criterion_keys and n else []
    values = _cells(value_rows, unit_ids, keys, 4)
    certs = _cells(cert_rows, unit_ids, criterion_keys, 1)
    found: dict[date, engine.Inputs] = {}
    for day in sorted(set(dates)):
        found[day] = _inputs_on(day.toordinal(), values, certs, n, keys, criterion_keys, judgement)
    return found


def _value_rows(unit_ids: np.ndarray, keys: Sequence[str], last: date) -> list[tuple[Any, ...]]:
    """The current values of the keys observed up to the last date, as raw rows (one query)."""
    return raw_rows(
        IndicatorValue.objects.filter(
            **for_units(unit_ids),
            indicator_key__in=keys,
            observed_on__lte=last,
            is_current=True,
        ).values_list(
            "unit_id",
            "indicator_key",
            as_text("observed_on"),
            "value",
            "numerator",
            "denominator",
            "is_met",
        )  # fmt: skip
    )


def _certification_rows(
    unit_ids: np.ndarray, criterion_keys: Sequence[str], last: date
) -> list[tuple[Any, ...]]:
    """The current certifications of the criteria up to the last date, as raw rows."""
    return raw_rows(
        CriterionCertification.objects.filter(
            **for_units(unit_ids),
            criterion_key__in=criterion_keys,
            certified_on__lte=last,
            is_current=True,
        ).values_list("unit_id", "criterion_key", as_text("certified_on"), "is_met")
    )


def _inputs_on(
    ordinal: int,
    values: _Cells,
    certs: _Cells,
    n: int,
    keys: Sequence[str],
    criterion_keys: Sequence[str],
    judgement: np.ndarray,
) -> engine.Inputs:
    """One date's inputs: the newest value and certification per (unit, key) on or before
    the day (given as its ordinal)."""
    shape = (n, len(keys))
    value = np.full(shape, np.nan)
    numerator = np.full(shape, np.nan)
    denominator = np.full(shape, np.nan)
    value_day = np.full(shape, np.nan)
    kept = values.latest_on(ordinal, len(keys))
    if len(kept):
        u, k = values.unit[kept], values.key[kept]
        number, num, den, is_met = (f[kept] for f in values.fields)
        value[u, k] = np.where(judgement[k], is_met, number)
        numerator[u, k] = num
        denominator[u, k] = den
        value_day[u, k] = values.day[kept]
    cert_shape = (n, len(criterion_keys))
    certification = np.zeros(cert_shape, dtype=np.int8)
    certification_day = np.full(cert_shape, np.nan)
    kept = certs.latest_on(ordinal, len(criterion_keys))
    if len(kept):
        u, k = certs.unit[kept], certs.key[kept]
        certification[u, k] = np.where(
            certs.fields[0][kept] > 0, engine.CERT_MET, engine.CERT_NOT_MET
        )
        certification_day[u, k] = certs.day[kept]
    return engine.Inputs(
        values={key: value[:, j] for j, key in enumerate(keys)},
        numerators={key: numerator[:, j] for j, key in enumerate(keys)},
        denominators={key: denominator[:, j] for j, key in enumerate(keys)},
        certifications={key: certification[:, j] for j, key in enumerate(criterion_keys)},
        value_days={key: value_day[:, j] for j, key in enumerate(keys)},
        certification_days={key: certification_day[:, j] for j, key in enumerate(criterion_keys)},
    )
