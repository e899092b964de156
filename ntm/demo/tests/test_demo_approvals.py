"""The demo's periods under approval: each office and the transport department find
something waiting for them, with its age."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from ntm.approvals.models import Submission

pytestmark = pytest.mark.django_db


def _queue(username: str) -> str:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get("/queue/")
    assert response.status_code == 200
    return response.content.decode()


def test_three_ky_anh_periods_wait_at_three_steps():
    periods = {
        s.unit.name: (s.period, s.status, s.set_id)
        for s in Submission.objects.select_related("unit").filter(period="2022")
    }
    assert periods == {
        "Xã Kỳ Châu": ("2022", "submitted", "commune-ntm-2021-2025"),
        "Xã Kỳ Phú": ("2022", "verified", "commune-ntm-2021-2025"),
        "Xã Kỳ Giang": ("2022", "approved", "commune-ntm-2021-2025"),
    }


def test_each_demo_office_finds_its_work_in_the_queue():
    office = _queue("kyanh")
    assert "Xã Kỳ Phú" in office and "Xã Kỳ Giang" in office and "26 ngày" in office
    transport = _queue("sogtvt")
    assert "Xã Kỳ Châu" in transport and "2. Giao thông" in transport and "12 ngày" in transport
    assert "Không có việc nào đang chờ bạn" in _queue("kytay")


def test_each_step_is_in_the_audit_trail_at_the_time_the_demo_gives_it():
    """The steps go through the services on the demo's clock (not written now and moved
    back afterwards): each step's audit entry has the time of the step itself."""
    from ntm.approvals.models import SubmissionEvent
    from ntm.audit.models import AuditEntry

    ky_giang = Submission.objects.get(period="2022", unit__name="Xã Kỳ Giang")
    events = SubmissionEvent.objects.filter(submission=ky_giang).order_by("pk")
    entries = AuditEntry.objects.filter(
        object_type=Submission._meta.label_lower, object_id=str(ky_giang.pk)
    ).order_by("pk")
    assert [e.action for e in events] == ["create", "submit", "verify", "approve"]
    assert [e.at for e in entries] == [e.at for e in events]
    assert ky_giang.approved_at == ky_giang.status_changed_at == events.last().at
    assert 39 <= (timezone.now() - ky_giang.approved_at).days <= 40
