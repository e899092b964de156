"""Benchmark of the dashboard and map pages, and of the pages of approval, recognition and
the audit trail, on the demo data (run by `make bench`).

Each page is requested through Django's full stack (middleware, view, template) as the
demo users see it: the Hà Tĩnh coordination office on its province (about 170 communes)
and a national user on the whole country (about 7,700 rural communes on 31/12/2024, out
of 10,035 communes and wards). The first request of each page warms the caches of the
process; the next ones are timed. The demo is loaded first when the database lacks it (``ntm bench-dashboard``, a
command of the demo).
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

NATIONAL_AS_OF = date(2024, 12, 31)


def _measure(client: Any, url: str, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    runs = []
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = len(captured.captured_queries)
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        runs.append(time.perf_counter() - started)
    return {
        "url": url,
        "median_seconds": round(statistics.median(runs), 3),
        "runs": [round(s, 3) for s in runs],
        "queries": queries,
        "bytes": len(response.content),
    }


def run_dashboard_benchmark(*, prepare: Callable[[], float], repeat: int = 3) -> dict[str, Any]:
    """Time the pages; `prepare` loads the demo unless it is there and says how long it took
    (``ntm.demo.commands``: the demo is a layer above the shell)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from ntm.accounts.scope import Scope
    from ntm.dashboards.dashboard import build_dashboard
    from ntm.units.selectors import default_as_of

    demo_seconds = prepare()
    users = get_user_model()
    office = users.objects.get(username="hatinh")
    national = users.objects.get(username="admin")
    province = office.profile.unit
    results: dict[str, Any] = {
        "measured_on": timezone.localdate().isoformat(),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            # The machine is shared: a load above the number of cores slows every timing.
            "load_average_1min": round(os.getloadavg()[0], 2),
        },
        "database": connection.vendor,
        "demo_load_seconds": round(demo_seconds, 1),
        "repeat": repeat,
    }
    pages = {
        "ha_tinh": (office, f"/units/{province.pk}/", default_as_of(province), province),
        "national": (national, "/", NATIONAL_AS_OF, None),
    }
    for name, (user, prefix, as_of, unit) in pages.items():
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        query = f"?as_of={as_of.isoformat()}"
        board = build_dashboard(unit, scope=Scope(None), as_of=as_of)
        started = time.perf_counter()
        build_dashboard(unit, scope=Scope(None), as_of=as_of)
        figures_seconds = time.perf_counter() - started
        results[name] = {
            "as_of": as_of.isoformat(),
            "communes": board.total_units,
            "communes_with_data": board.with_data,
            "trend_points": len(board.trends),
            "trend_points_evaluated": sum(1 for p in board.trends if p.criteria_set),
            "figures_only_seconds": round(figures_seconds, 3),
            "dashboard": _measure(client, f"{prefix}dashboard/{query}", repeat),
            "map": _measure(client, f"{prefix}map/{query}", repeat),
        }
    # The pages an office opens every day to see what waits for it and who is at risk:
    # its queue, the recognition cases and the monitoring of the revocation rule over its
    # communes (Hà Tĩnh, and Thanh Hóa: the province with the most communes before 2025),
    # and its audit trail.
    thanh_hoa = users.objects.get(username="thanhhoa")
    trust_pages = {
        "queue_ha_tinh": (office, "/queue/"),
        "queue_transport": (users.objects.get(username="sogtvt"), "/queue/"),
        "recognition_cases_ha_tinh": (office, "/recognition/"),
        "monitoring_ha_tinh": (office, f"/recognition/monitoring/?province={province.pk}"),
        "monitoring_thanh_hoa": (
            thanh_hoa,
            f"/recognition/monitoring/?province={thanh_hoa.profile.unit_id}",
        ),
        "audit_ha_tinh": (office, "/audit/"),
    }
    for name, (user, url) in trust_pages.items():
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        results[name] = _measure(client, url, repeat)
    return results
