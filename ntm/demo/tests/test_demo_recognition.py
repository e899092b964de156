"""The demo's recognition cases: one at each step in Hà Tĩnh, the decision-ready case refused
until the province sets the satisfaction level, the merged communes awaiting
re-acknowledgement, and the recognition pages for every demo account."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from ntm.accounts.scope import scope_for_unit
from ntm.demo.loader import ACCOUNTS
from ntm.recognition.models import RecognitionCase
from ntm.recognition.monitoring import CLOSE, DUE, monitor
from ntm.recognition.selectors import awaiting_reacknowledgement, public_recognitions
from ntm.recognition.services import conditions_for
from ntm.units.selectors import find_unit

pytestmark = pytest.mark.django_db


def _case(name: str) -> RecognitionCase:
    return RecognitionCase.objects.select_related("unit__parent").get(unit__name=name)


def _province_2025():
    from ntm.units.models import AdminUnit

    return AdminUnit.objects.get(pk=find_unit("42", on=date(2026, 1, 1), level="province").id)


def test_hatinh_has_a_case_at_each_step_labelled_demo():
    stages = {
        c.unit.name: c.stage for c in RecognitionCase.objects.select_related("unit").order_by("id")
    }
    assert stages == {
        "Xã Thiên Cầm": "self_assessment",
        "Xã Can Lộc": "dossier",
        "Xã Cẩm Hưng": "appraisal",
        "Xã Đồng Lộc": "decision",
        "Xã Mai Hoa": "monitoring",
        "Xã Kỳ Châu": "monitoring",
    }
    assert all(c.is_demo for c in RecognitionCase.objects.all())


def test_communes_of_2025_skip_verification_and_ky_chau_was_verified_by_its_district():
    assert _case("Xã Cẩm Hưng").is_verification_skipped is True
    ky_chau = _case("Xã Kỳ Châu")
    assert ky_chau.is_verification_skipped is False
    assert ky_chau.events.get(action="verify").actor.username == "kyanh"
    assert (ky_chau.assessed_met, ky_chau.assessed_total) == (19, 19)


def test_dong_loc_is_ready_except_the_satisfaction_level_the_province_has_not_set():
    report = conditions_for(_case("Xã Đồng Lộc"), timezone.localdate())
    states = {c.code: c.state for c in report.checks}
    assert states == {"C1": "met", "C2": "needs_setting", "C3": "met", "C4": "met"}


def test_mai_hoa_decision_is_public_after_its_announcement():
    mai_hoa = _case("Xã Mai Hoa")
    assert mai_hoa.announced_on == date(2026, 9, 25)
    assert public_recognitions().filter(pk=mai_hoa.recognition_id).exists()


def test_the_2025_ky_lac_awaits_re_acknowledgement_and_three_communes_have_it():
    province = _province_2025()
    items = awaiting_reacknowledgement(province, scope_for_unit(province.pk), include_done=True)
    waiting = {i.unit.name for i in items if not i.is_done}
    done = {i.unit.name for i in items if i.is_done}
    assert "Xã Kỳ Lạc" in waiting
    assert done == {"Xã Hương Đô", "Xã Hà Linh", "Xã Tứ Mỹ"}


def test_monitoring_of_the_2025_province_flags_tu_my_due_and_ha_linh_close():
    province = _province_2025()
    report = monitor(province, scope=scope_for_unit(province.pk), as_of=date(2026, 11, 30))
    flags = {r.unit.name: r.flag for r in report.rows}
    assert flags["Xã Tứ Mỹ"] == DUE
    assert flags["Xã Hà Linh"] == CLOSE
    assert flags["Xã Mai Hoa"] == "ok"


PAGES = [
    ("/recognition/", 30),
    ("/recognition/?stage=decision", 30),
    ("/recognition/monitoring/", 40),
    ("/recognition/reacknowledgement/", 20),
    ("/recognition/settings/", 20),
]


@pytest.mark.parametrize("username", [a.username for a in ACCOUNTS])
def test_recognition_pages_render_for_every_account(
    username, client, django_assert_max_num_queries
):
    client.force_login(get_user_model().objects.get(username=username))
    client.get("/recognitions/")
    for url, most in PAGES:
        with django_assert_max_num_queries(most):
            response = client.get(url)
        assert response.status_code == 200, (username, url)
    dong_loc = _case("Xã Đồng Lộc")
    visible = username in ("admin", "hatinh", "sogtvt")
    assert client.get(f"/recognition/cases/{dong_loc.pk}/").status_code == (200 if visible else 404)
