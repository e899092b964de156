"""Benchmark of the Excel round trip for a province office: 200 communes in one file.

Measures, on the real units and the national commune set 2016-2020 (period 2020):
1. building the template for 200 communes of one province (prefilled where values exist);
2. reading it back filled (every empty cell given a value, a tenth of the others changed)
   and previewing it (`preview_workbook`);
3. writing it (`import_workbook`, all or nothing, audited);
4. importing the same file a second time (nothing to write).
Everything written is rolled back at the end, so the benchmark can run again.
"""

from __future__ import annotations

import io
import os
import platform
import random
import time
from typing import Any

PROVINCE_CODE = "38"  # Thanh Hóa: 559 communes before the 2025 reform
SET_ID = "commune-ntm-2016-2020"
PERIOD = "2020"


def _fill(content: bytes, seed: int = 2020) -> tuple[bytes, int]:
    """Give every open cell a plausible value; change a tenth of the prefilled ones."""
    from openpyxl import load_workbook

    from ntm.workbooks.codes import FIRST_DATA_ROW, columns
    from ntm.workbooks.template_layout import judgement_words

    rng = random.Random(seed)
    met, not_met = judgement_words()
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    index = {c.key: p for p, c in enumerate(columns())}
    filled = 0
    for row in sheet.iter_rows(min_row=FIRST_DATA_ROW):
        if not row[index["indicator_code"]].value:
            continue
        value, numerator = row[index["value"]], row[index["numerator"]]
        denominator = row[index["denominator"]]
        is_ratio = numerator.protection.locked is False
        is_judgement = row[index["threshold"]].value == met
        prefilled = (numerator.value if is_ratio else value.value) is not None
        if prefilled and rng.random() > 0.1:
            continue
        if is_ratio:
            denominator.value = round(rng.uniform(5, 50), 1)
            numerator.value = round(denominator.value * rng.uniform(0.5, 1.0), 1)
        elif is_judgement:
            value.value = met if rng.random() < 0.85 else not_met
        else:
            measure = row[index["measure"]].value or ""
            value.value = round(rng.uniform(40, 100) if measure == "%" else rng.uniform(10, 80), 1)
        row[index["source"]].value = "benchmark (synthetic)"
        filled += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), filled


def _setup(communes: int):
    """The database migrated, the criteria sets and (if missing) the units loaded; returns
    the province, the set, the period and its first communes."""
    from django.core.management import call_command

    from ntm.criteria.selectors import get_set
    from ntm.criteria.services import load_criteria_sets
    from ntm.units.models import AdminUnit
    from ntm.units.selectors import find_unit
    from ntm.workbooks.template import read_period, template_units

    call_command("migrate", interactive=False, verbosity=0)
    load_criteria_sets()
    period = read_period(PERIOD)
    if not AdminUnit.objects.filter(level="province", code=PROVINCE_CODE).exists():
        from ntm.units.services import load_package_units

        load_package_units()
    province = AdminUnit.objects.get(
        pk=find_unit(PROVINCE_CODE, on=period.observed_on, level="province").id
    )
    criteria_set = get_set(SET_ID)
    units = template_units(province, level="commune", on=period.observed_on, children=True)[
        :communes
    ]
    return province, criteria_set, period, units


def _imports(filled: bytes) -> dict[str, Any]:
    """Preview, import and import again the filled file, timed, all rolled back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from ntm.audit.services import Actor
    from ntm.values.models import IndicatorValue
    from ntm.workbooks.importing import import_workbook, preview_workbook

    actor = Actor(user=None, channel="cli")
    results: dict[str, Any] = {}
    with transaction.atomic():
        before = IndicatorValue.objects.count()
        started, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as preview_queries:
            preview = preview_workbook(filled, user=None)
        preview_seconds, preview_cpu = time.perf_counter() - started, time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as apply_queries:
            applied = import_workbook(filled, actor=actor, filename="bench.xlsx")
        apply_seconds, apply_cpu = time.perf_counter() - started, time.process_time() - cpu
        written = IndicatorValue.objects.count() - before
        started, cpu = time.perf_counter(), time.process_time()
        again = import_workbook(filled, actor=actor, filename="bench.xlsx")
        again_seconds, again_cpu = time.perf_counter() - started, time.process_time() - cpu
        results = {
            "preview": {
                "seconds": round(preview_seconds, 2),
                "cpu_seconds": round(preview_cpu, 2),
                "queries": len(preview_queries.captured_queries),
                "counts": preview.counts,
                "problems": len(preview.problems),
            },
            "import": {
                "seconds": round(apply_seconds, 2),
                "cpu_seconds": round(apply_cpu, 2),
                "queries": len(apply_queries.captured_queries),
                "counts": applied.counts,
                "applied": applied.applied,
                "rows_written": written,
            },
            "second_import": {
                "seconds": round(again_seconds, 2),
                "cpu_seconds": round(again_cpu, 2),
                "counts": again.counts,
            },
        }
        transaction.set_rollback(True)

    return results


def run_workbook_benchmark(*, communes: int = 200) -> dict[str, Any]:
    """The round trip for a province's communes: build, fill, preview, import, import again;
    times, queries and counts."""
    from django.db import connection
    from django.utils import timezone

    from ntm.workbooks.template import build_template

    province, criteria_set, period, units = _setup(communes)

    started, cpu = time.perf_counter(), time.process_time()
    template = build_template(
        criteria_set=criteria_set, units=units, period=period, parent=province
    )
    build_seconds, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    filled, cells_given = _fill(template.content)

    results = _imports(filled)

    return {
        "measured_on": timezone.localdate().isoformat(),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            # Wall time on a shared machine depends on its load; CPU time much less.
            "load_average_1min": round(os.getloadavg()[0], 2),
        },
        "database": connection.vendor,
        "province": province.name,
        "set": f"{criteria_set.set_id}@{criteria_set.version}",
        "period": period.label,
        "communes": len(units),
        "indicators": len(template.codes.indicators),
        "template": {
            "seconds": round(build_seconds, 2),
            "cpu_seconds": round(build_cpu, 2),
            "rows": template.rows,
            "bytes": len(template.content),
        },
        "filled_file_bytes": len(filled),
        "cells_given": cells_given,
        **results,
    }
