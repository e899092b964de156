"""National-scale benchmark of the evaluation engine (run by `make bench`).

Measures, on the real list of 10,035 pre-2025 communes:
1. the engine alone, on in-memory synthetic values, for the real commune set 2016-2020
   and for a synthetic set of 60 numeric indicators with regional thresholds;
2. end to end from the database: values read in bulk, arrays built, engine run, for
   every commune, against the stored commune set 2016-2020.
Synthetic values come from a fixed seed and are stored with the source "benchmark".
"""

from __future__ import annotations

import platform
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np

from ntm.core.criteria import engine
from ntm.core.criteria.model import (
    Comparator,
    Confidence,
    CriteriaSetDef,
    CriterionDef,
    Differentiation,
    IndicatorDef,
    IndicatorKind,
    ThresholdRow,
    Tier,
)

AS_OF = date(2020, 12, 31)
SET_ID = "commune-ntm-2016-2020"
SOURCE = "benchmark (synthetic, fixed seed)"
REGIONS = ("TDMNPB", "DBSH", "BTB", "DHNTB", "TN", "DNB", "DBSCL")


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    timings = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), result


def synthetic_definition(indicators: int = 60, criteria: int = 19) -> CriteriaSetDef:
    """A set shaped like a national one: numeric indicators with one row per region."""
    rng = np.random.default_rng(7)
    items = []
    for c in range(criteria):
        inds = []
        for j in range(c, indicators, criteria):
            rows = tuple(
                ThresholdRow(
                    value=float(rng.integers(50, 95)), region=r, confidence=Confidence.VERIFIED
                )
                for r in REGIONS
            )
            inds.append(
                IndicatorDef(
                    key=f"bench:{j}",
                    code=str(j),
                    name_vi=f"Chỉ tiêu {j}",
                    kind=IndicatorKind.NUMBER,
                    unit="%",
                    comparator=Comparator.GE,
                    thresholds=rows,
                )
            )
        items.append(
            CriterionDef(
                key=f"bench:c{c}",
                number=str(c + 1),
                name_vi=f"Tiêu chí {c + 1}",
                indicators=tuple(inds),
            )
        )
    return CriteriaSetDef(
        set_id="bench",
        version=1,
        name_vi="Bộ tiêu chí mô phỏng",
        level="commune",
        tier=Tier.STANDARD,
        criteria=tuple(items),
        differentiation=Differentiation.REGION,
        revocation_key_criteria=("10", "17", "19"),
    )


def synthetic_inputs(definition: CriteriaSetDef, n: int, seed: int = 20201231) -> engine.Inputs:
    """Plausible values for every indicator: judgements mostly met, shares 40-100%."""
    rng = np.random.default_rng(seed)
    values: dict[str, np.ndarray] = {}
    nums: dict[str, np.ndarray] = {}
    dens: dict[str, np.ndarray] = {}
    for ind in definition.indicators:
        if ind.kind is IndicatorKind.JUDGEMENT:
            values[ind.key] = (rng.random(n) < 0.85).astype(float)
        elif ind.kind is IndicatorKind.RATIO:
            dens[ind.key] = rng.uniform(5, 50, n)
            nums[ind.key] = dens[ind.key] * rng.uniform(0.4, 1.0, n)
        elif ind.unit == "%":
            values[ind.key] = rng.uniform(40, 100, n)
        else:
            values[ind.key] = rng.uniform(20, 70, n)
    return engine.Inputs(values, nums, dens, {})


def store_synthetic_values(unit_ids: np.ndarray, definition: CriteriaSetDef) -> int:
    """Write one synthetic value per commune and indicator (once; later runs reuse them)."""
    from ntm.values.models import IndicatorValue

    if IndicatorValue.objects.filter(source=SOURCE).exists():
        return IndicatorValue.objects.filter(source=SOURCE).count()
    inputs = synthetic_inputs(definition, len(unit_ids))
    batch: list[IndicatorValue] = []
    count = 0
    for ind in definition.indicators:
        if ind.kind is IndicatorKind.AGGREGATE:
            continue
        for pos, unit_id in enumerate(unit_ids.tolist()):
            fields: dict[str, Any] = {}
            if ind.kind is IndicatorKind.JUDGEMENT:
                fields["is_met"] = bool(inputs.values[ind.key][pos])
            elif ind.kind is IndicatorKind.RATIO:
                fields["numerator"] = float(inputs.numerators[ind.key][pos])
                fields["denominator"] = float(inputs.denominators[ind.key][pos])
            else:
                fields["value"] = round(float(inputs.values[ind.key][pos]), 2)
            batch.append(
                IndicatorValue(
                    unit_id=unit_id,
                    indicator_key=ind.key,
                    observed_on=date(2020, 6, 30),
                    source=SOURCE,
                    **fields,
                )  # fmt: skip
            )
            if len(batch) >= 20000:
                IndicatorValue.objects.bulk_create(batch)
                count += len(batch)
                batch = []
    IndicatorValue.objects.bulk_create(batch)
    return count + len(batch)


def _time_unit_loads() -> tuple[float, float]:
    """Seconds to load the package's units, then to load them again (nothing changes)."""
    from ntm.units.services import load_package_units

    started = time.perf_counter()
    load_package_units()
    units_load = time.perf_counter() - started
    started = time.perf_counter()
    load_package_units()
    units_reload = time.perf_counter() - started
    return units_load, units_reload


def _engine_only(real: CriteriaSetDef, frame, n: int, repeat: int) -> dict[str, Any]:
    """The engine alone on synthetic values in memory: the real set and a synthetic set of
    60 indicators, median seconds over ``repeat`` runs."""
    synthetic = synthetic_definition()
    real_inputs = synthetic_inputs(real, n)
    synthetic_in = synthetic_inputs(synthetic, n)

    engine_real, result = _timed(lambda: engine.evaluate(real, frame, real_inputs, AS_OF), repeat)
    engine_synth, synth_result = _timed(
        lambda: engine.evaluate(synthetic, frame, synthetic_in, AS_OF), repeat
    )
    return {
        "real_set": {
            "set": real.label,
            "indicators": len(real.indicators),
            "criteria": len(real.criteria),
            "median_seconds": round(engine_real, 4),
            "mean_met": round(float(result.met.mean()), 2),
        },
        "synthetic_60_indicators": {
            "indicators": len(synthetic.indicators),
            "criteria": len(synthetic.criteria),
            "median_seconds": round(engine_synth, 4),
            "mean_met": round(float(synth_result.met.mean()), 2),
        },
        "repeat": repeat,
    }


def _end_to_end(criteria_set, communes, repeat: int) -> tuple[list[float], int, Any]:
    """Evaluation from the database, ``repeat`` times: the seconds of each run, the
    queries of the first, the last result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ntm.dashboards.evaluation import evaluate_units

    with CaptureQueriesContext(connection) as captured:
        end_to_end, db_result = _timed(lambda: evaluate_units(criteria_set, communes, AS_OF), 1)
    end_to_end_runs = [end_to_end]
    for _ in range(max(repeat - 1, 0)):
        seconds, db_result = _timed(lambda: evaluate_units(criteria_set, communes, AS_OF), 1)
        end_to_end_runs.append(seconds)
    return end_to_end_runs, len(captured.captured_queries), db_result


def run_benchmark(*, repeat: int = 5) -> dict[str, Any]:
    """The national benchmark: units loaded, the engine alone, the evaluation from the
    database; times, queries and shares met."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q
    from django.utils import timezone

    from ntm.criteria.selectors import get_set
    from ntm.criteria.services import load_criteria_sets
    from ntm.dashboards.evaluation import UnitRows
    from ntm.units.models import AdminUnit

    call_command("migrate", interactive=False, verbosity=0)
    load_criteria_sets()
    units_load, units_reload = _time_unit_loads()

    communes = AdminUnit.objects.filter(level="commune").filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=AS_OF),
        Q(valid_to__isnull=True) | Q(valid_to__gt=AS_OF),
    )
    rows = UnitRows.from_queryset(communes)
    n = len(rows.ids)
    frame = rows.frame()
    criteria_set = get_set(SET_ID)
    real = criteria_set.to_domain()
    engine_only = _engine_only(real, frame, n, repeat)
    started = time.perf_counter()
    stored = store_synthetic_values(rows.ids, real)
    store_seconds = time.perf_counter() - started
    end_to_end_runs, queries, db_result = _end_to_end(criteria_set, communes, repeat)

    return {
        "measured_on": timezone.localdate().isoformat(),
        "machine": {
            "python": platform.python_version(),
            "cpus": _cpus(),
            "platform": platform.platform(),
        },
        "database": connection.vendor,
        "communes": n,
        "units_load_seconds": round(units_load, 2),
        "units_reload_seconds": round(units_reload, 2),
        "engine_only": engine_only,
        "end_to_end_from_database": {
            "set": real.label,
            "stored_values": stored,
            "store_values_seconds": round(store_seconds, 2),
            "queries": queries,
            "median_seconds": round(statistics.median(end_to_end_runs), 3),
            "runs": [round(s, 3) for s in end_to_end_runs],
            "mean_met": round(float(db_result.met.mean()), 2),
        },
    }


def _cpus() -> int:
    import os

    return os.cpu_count() or 0
