"""The demo's periods under approval: each office and the transport department find
something waiting for them, with its age."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

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
