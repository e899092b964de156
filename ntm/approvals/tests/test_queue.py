"""The queue of each level: what waits, counts per kind, ages oldest first, filters, and
a fixed number of queries whatever the number of periods."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from ntm.approvals import approval
from ntm.approvals.models import Submission
from ntm.approvals.queue import QueueFilter, QueueKind, build_queue, queue_counts, queue_total
from ntm.approvals.tests.approval_world import PERIOD, World, world
from ntm.audit.services import Actor
from ntm.units.models import AdminUnit

__all__ = ["world"]


def add_communes(w: World, count: int, start: int = 0) -> list[AdminUnit]:
    return [
        AdminUnit.objects.create(
            code=f"9{n:04d}", name=f"Xã Thử {n:02d}", short_name=f"Thử {n:02d}", kind="commune",
            level="commune", parent=w.units["district"], valid_to=w.units["ky_lac"].valid_to,
            region="BTB", source="user",
        )
        for n in range(start, start + count)
    ]  # fmt: skip


def fresh(w: World, username: str):
    """The user read again: scopes are cached on a user object, and units were added."""
    return get_user_model().objects.get(pk=w.users[username].pk)


def submit(w: World, unit: AdminUnit, days_ago: int = 0) -> Submission:
    submission = approval.submit_period(
        unit=unit, criteria_set=w.criteria_set, period=PERIOD, actor=Actor(fresh(w, "kyanh"))
    )
    Submission.objects.filter(pk=submission.pk).update(
        status_changed_at=timezone.now() - dt.timedelta(days=days_ago, hours=1)
    )
    return Submission.objects.get(pk=submission.pk)


def test_a_department_waits_on_its_criteria_oldest_first_with_their_age(world):
    older = submit(world, world.units["ky_tay"], days_ago=9)
    newer = submit(world, world.units["ky_lac"], days_ago=2)
    queue = build_queue(world.users["sogtvt"])
    assert queue.kinds == [QueueKind.VERIFY]
    assert (queue.counts, queue.criteria_count) == ({QueueKind.VERIFY: 2}, 2)
    assert [(i.submission.pk, i.age_days, i.criteria_named) for i in queue.items] == [
        (older.pk, 9, [("2", "Giao thông")]),
        (newer.pk, 2, [("2", "Giao thông")]),
    ]
    approval.verify_criteria(submission=older, numbers=["2"], actor=world.actor("sogtvt"))
    assert queue_total(world.users["sogtvt"]) == 1
    assert queue_total(world.users["soyte"]) == 2  # criterion 1 of both


def test_the_office_waits_on_its_own_criteria_then_approval_then_lock(world):
    submission = submit(world, world.units["ky_lac"])
    counts, criteria = queue_counts(world.users["kyanh"])
    assert (counts, criteria) == (
        {QueueKind.VERIFY: 1, QueueKind.APPROVE: 0, QueueKind.LOCK: 0},
        2,  # 10 and 19: no department
    )
    approval.verify_criteria(submission=submission, numbers=None, actor=world.actor("kyanh"),
                             comment="Theo văn bản")  # fmt: skip
    assert queue_counts(world.users["kyanh"])[0][QueueKind.APPROVE] == 1
    # The province office is above: it sees Kỳ Lạc only when asking for every level.
    assert queue_counts(world.users["hatinh"])[0][QueueKind.APPROVE] == 0
    below = QueueFilter(below=True)
    assert queue_counts(world.users["hatinh"], below)[0][QueueKind.APPROVE] == 1
    approval.approve_submission(submission=submission, actor=world.actor("hatinh"))
    kinds = {i.kind for i in build_queue(world.users["kyanh"]).items}
    assert kinds == {QueueKind.LOCK}


def test_a_returned_period_waits_for_its_commune_only(world):
    submission = submit(world, world.units["ky_lac"])
    approval.return_submission(submission=submission, actor=world.actor("sogtvt"),
                               comment="Thiếu biên bản")  # fmt: skip
    item = build_queue(world.users["kylac"]).items[0]
    assert (item.kind, item.comment, item.comment_by) == (
        QueueKind.RETURNED,
        "Thiếu biên bản",
        "sogtvt",
    )
    assert queue_total(world.users["kytay"]) == 0
    assert queue_total(world.users["sogtvt"]) == 0


@pytest.mark.parametrize("username", ["xem", "thamtra", "th_gtvt", "thanhhoa"])
def test_others_have_nothing_waiting(world, username):
    submit(world, world.units["ky_lac"])
    assert queue_total(world.users[username]) == 0


def test_filters_by_kind_set_and_unit_name(world):
    submit(world, world.units["ky_lac"])
    submit(world, world.units["ky_tay"])
    user = world.users["sogtvt"]
    names = [i.unit.name for i in build_queue(user, QueueFilter(query="tây")).items]
    assert names == ["Xã Kỳ Tây"]
    assert build_queue(user, QueueFilter(set_id="other-set")).items == []
    assert build_queue(user, QueueFilter(kind="approve")).items == []


def test_the_queue_takes_the_same_queries_for_three_periods_or_thirty(
    world, django_assert_max_num_queries
):
    for commune in add_communes(world, 2):
        submit(world, commune)
    user = fresh(world, "sogtvt")
    build_queue(user)  # scope and offices cached on the user, as after the first page
    with django_assert_max_num_queries(6) as few:
        small = build_queue(user)
    for commune in add_communes(world, 28, start=2):
        submit(world, commune)
    user = fresh(world, "sogtvt")
    build_queue(user)
    with django_assert_max_num_queries(len(few)):
        large = build_queue(user)
    assert (len(small.items), len(large.items)) == (2, 30)
