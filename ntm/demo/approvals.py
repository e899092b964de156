"""Demo periods of Kỳ Anh's communes at each step of approval, made up and labelled as
demo data, so each demo account finds something waiting in its queue:

- Kỳ Châu, year 2022: submitted, waiting for the departments (the transport department's
  criterion 2 among them) and the Kỳ Anh office for the criteria without a department;
- Kỳ Phú, year 2022: every criterion verified (the office on the departments' letters),
  waiting for the Kỳ Anh office's approval;
- Kỳ Giang, year 2022: approved, waiting to be locked.

The steps go through the approval services as the demo users, on the demo's clock (some
days ago), so the queue shows real ages and the audit trail has each step at its time. The browser tests write other periods
(Kỳ Lạc in the first half of 2022 and in 2024; the Kỳ Anh communes in 2021).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from ntm.approvals import approval
from ntm.audit.services import Actor
from ntm.core.periods import parse_period
from ntm.criteria.selectors import get_set
from ntm.demo.seeds import child_named, unit_on

SET_ID = "commune-ntm-2021-2025"
PERIOD = "2022"
LETTERS = "Dữ liệu demo: theo văn bản xác nhận của các sở, ngành gửi văn phòng."


def load_approval_demo() -> int:
    """Write the demo periods (first demo load only); how many."""
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["kyanh", "hatinh"])
    }
    if "kyanh" not in users:
        return 0
    period = parse_period(PERIOD)
    criteria_set = get_set(SET_ID, on=period.end)
    ky_anh = unit_on("447", period.end, "district")
    office = Actor(user=users["kyanh"], channel="system")
    made = 0
    for name, steps, days in (
        ("Kỳ Châu", ("submit",), 12),
        ("Kỳ Phú", ("submit", "verify"), 26),
        ("Kỳ Giang", ("submit", "verify", "approve"), 40),
    ):
        unit = child_named(ky_anh, name, period.end)
        then = timezone.now() - dt.timedelta(days=days)
        submission = approval.submit_period(
            unit=unit, criteria_set=criteria_set, period=period, actor=office,
            comment="Dữ liệu demo.", now=then,
        )  # fmt: skip
        if "verify" in steps:
            approval.verify_criteria(
                submission=submission, numbers=None, actor=office, comment=LETTERS, now=then
            )
        if "approve" in steps:
            submission.refresh_from_db()
            approval.approve_submission(submission=submission, actor=office, now=then)
        made += 1
    return made
