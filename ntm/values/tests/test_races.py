"""Requests racing on the same cell or period, with real threads and real connections.

Each case starts its requests together behind a barrier; every request either succeeds
or is refused with a 409 (or the refusal of a period frozen meanwhile), never a 500, and
the data ends consistent: one current value per cell, every verification recorded, no
value written into a period after it was submitted. SQLite runs on a file database (see
``DATABASES["default"]["TEST"]``), so its locking is that of a real deployment.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from django.db.models import Count
from django.test import Client

from ntm.approvals import approval
from ntm.approvals.models import Submission, SubmissionEvent
from ntm.approvals.tests.approval_world import INCOME, PERIOD, world
from ntm.criteria.selectors import get_set
from ntm.values.models import IndicatorValue
from ntm.workbooks.importing import import_workbook
from ntm.workbooks.reading import WorkbookRefused
from ntm.workbooks.template import build_template
from ntm.workbooks.tests.workbook_helpers import fill

__all__ = ["world"]

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 12


def race(count: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(i)`` in ``count`` threads released together; results or exceptions."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[i] = work(i)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(t.is_alive() for t in threads), "a request never finished"
    return results


def clients(user, count: int) -> list[Client]:
    """Signed-in clients, made before the race (signing in writes a session)."""
    made = []
    for _ in range(count):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        made.append(client)
    return made


def statuses(responses) -> Counter:
    assert not [r for r in responses if isinstance(r, BaseException)], responses
    return Counter(r.status_code for r in responses)


def one_current_value_per_cell() -> bool:
    duplicated = (
        IndicatorValue.objects.filter(is_current=True)
        .values("unit_id", "indicator_key", "observed_on")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    return not duplicated.exists()


def post_value(client: Client, unit_id: int, value: float):
    return client.post(
        "/api/values",
        {
            "values": [
                {"unit_id": unit_id, "indicator_key": INCOME, "period": "2021", "value": value}
            ]
        },
        content_type="application/json",
    )


def step(client: Client, unit_id: int, name: str, **extra):
    return client.post(
        f"/api/approvals/{unit_id}/{name}",
        {"set": "test-commune", "period": "2021", **extra},
        content_type="application/json",
    )


def test_the_same_cell_written_at_once_gives_200_or_409_and_one_current_value(world):
    ky_lac = world.units["ky_lac"].pk
    # Half of them start from nothing (a new cell), then again on the value in force.
    for _round in range(2):
        workers = clients(world.users["kylac"], THREADS)
        responses = race(THREADS, lambda i, w=workers: post_value(w[i], ky_lac, 40.0 + i))
        codes = statuses(responses)
        assert set(codes) <= {200, 409}, [r.content for r in responses]
        assert codes[200] >= 1
        assert one_current_value_per_cell()
    written = IndicatorValue.objects.filter(unit_id=ky_lac, indicator_key=INCOME)
    assert written.filter(is_current=True).count() == 1


def test_simultaneous_excel_imports_never_fail_and_leave_one_value(world):
    ky_lac = world.units["ky_lac"]
    template = build_template(
        criteria_set=get_set("test-commune"), units=[ky_lac], period=PERIOD
    ).content
    files = [fill(template, {("18850", "10"): {"value": 40 + i}}) for i in range(THREADS // 2)]

    def work(i: int):
        try:
            return import_workbook(files[i], actor=world.actor("kylac"), filename=f"{i}.xlsx")
        except WorkbookRefused as refused:
            return refused

    results = race(len(files), work)
    assert not [
        r for r in results if isinstance(r, Exception) and not isinstance(r, WorkbookRefused)
    ]
    applied = [r for r in results if not isinstance(r, Exception) and r.applied]
    # The first import writes; the others were based on the same (empty) template and are
    # refused with the newer value, or refused as a collision: never a 500.
    assert len(applied) == 1
    for refused in (r for r in results if r not in applied):
        text = str(refused) if isinstance(refused, Exception) else str(refused.problems)
        assert "sửa thành" in text or "tải lại trang" in text, text
    assert one_current_value_per_cell()
    assert IndicatorValue.objects.filter(is_current=True).count() == 1


def test_the_last_criteria_verified_at_once_are_all_recorded(world):
    ky_lac = world.units["ky_lac"]
    approval.submit_period(
        unit=ky_lac, criteria_set=world.criteria_set, period=PERIOD, actor=world.actor("kylac")
    )
    approval.verify_criteria(
        submission=world.submission(), numbers=["10", "19"], actor=world.actor("kyanh")
    )
    health, transport = clients(world.users["soyte"], 1)[0], clients(world.users["sogtvt"], 1)[0]
    numbers = {0: (health, "1"), 1: (transport, "2")}
    responses = race(
        2, lambda i: step(numbers[i][0], ky_lac.pk, "verify", criteria=[numbers[i][1]])
    )
    assert statuses(responses) == Counter({200: 2}), [r.content for r in responses]
    submission = world.submission()
    assert submission.status == "verified"
    rows = submission.verifications.filter(is_current=True)
    assert rows.count() == 4 and not rows.filter(verified_at__isnull=True).exists()


def test_approvals_at_once_approve_once(world):
    ky_lac = world.units["ky_lac"]
    approval.submit_period(
        unit=ky_lac, criteria_set=world.criteria_set, period=PERIOD, actor=world.actor("kylac")
    )
    approval.verify_criteria(submission=world.submission(), numbers=None, actor=world.actor("kyanh"),
                             comment="Công văn của các sở")  # fmt: skip
    offices = clients(world.users["kyanh"], THREADS // 2) + clients(
        world.users["hatinh"], THREADS // 2
    )
    responses = race(THREADS, lambda i: step(offices[i], ky_lac.pk, "approve"))
    codes = statuses(responses)
    assert codes == Counter({200: 1, 409: THREADS - 1}), [r.content for r in responses]
    assert world.submission().status == "approved"
    assert SubmissionEvent.objects.filter(action="approve").count() == 1


def test_submit_racing_writes_never_lets_a_value_in_after_the_submission(world):
    ky_lac = world.units["ky_lac"].pk
    writers = clients(world.users["kylac"], THREADS // 2)
    submitters = clients(world.users["kylac"], THREADS // 2)

    def work(i: int):
        if i % 2:
            return step(submitters[i // 2], ky_lac, "submit")
        return post_value(writers[i // 2], ky_lac, 40.0 + i)

    responses = race(THREADS, work)
    codes = statuses(responses)
    assert set(codes) <= {200, 409, 422}, [r.content for r in responses]
    submits = [r for i, r in enumerate(responses) if i % 2]
    assert Counter(r.status_code for r in submits) == Counter({200: 1, 409: THREADS // 2 - 1})
    for i, response in enumerate(responses):
        if i % 2 == 0 and response.status_code == 422:
            assert "đang được xét duyệt" in response.json()["problems"][0]["message"]
    submission = Submission.objects.get(unit_id=ky_lac)
    assert one_current_value_per_cell()
    late = IndicatorValue.objects.filter(unit_id=ky_lac, entered_at__gt=submission.submitted_at)
    assert not late.exists()


def test_the_same_form_saved_at_once_from_pages_opened_together(world):
    from ntm.values.tests.test_lost_updates import fields_of

    ky_lac = world.units["ky_lac"].pk
    url = f"/units/{ky_lac}/entry/?set=test-commune&period=2021"
    pages = clients(world.users["kylac"], THREADS // 2) + clients(
        world.users["kyanh"], THREADS // 2
    )
    forms = [fields_of(page.get(url)) for page in pages]

    def work(i: int):
        return pages[i].post(url, {**forms[i], "v-10": str(40 + i), "action": "draft"})

    responses = race(THREADS, work)
    codes = statuses(responses)
    # All opened the page before anyone saved: the first save wins, the others see it.
    assert codes == Counter({302: 1, 409: THREADS - 1}), codes
    for response in responses:
        if response.status_code == 409:
            assert "sau khi bạn mở trang; hãy xem lại." in response.content.decode()
    assert one_current_value_per_cell()
    assert IndicatorValue.objects.filter(unit_id=ky_lac, indicator_key=INCOME).count() == 1
