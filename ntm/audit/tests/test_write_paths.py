"""Every write path leaves an audit entry with who, where, old and new; the entry outlives
the record it describes. (Values, evidence, submissions, workbook imports, boundaries and
criteria authoring are checked beside their own tests; accounts in test_users_pages.)"""

import datetime as dt
import json

import pytest
from django.test import Client

from ntm.audit.models import AuditEntry
from ntm.audit.services import Actor
from ntm.criteria.models import CriteriaSet
from ntm.criteria.services import load_criteria_sets
from ntm.programme.models import Target
from ntm.programme.services import record_registration, record_sponsorship, record_target
from ntm.recognition.services import record_recognition, record_revocation
from ntm.reports.services import record_figure
from ntm.testing import COMMUNE_SET, make_ky_anh, make_user, write_sets
from ntm.units.models import AdminUnit, Department, ReorganizationEvent
from ntm.values.models import IndicatorValue
from ntm.values.services import certify_criterion, record_value

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def units(tmp_path):
    load_criteria_sets(write_sets(tmp_path, COMMUNE_SET))
    return make_ky_anh()


@pytest.fixture
def office():
    return Actor(user=None, ip_address="10.0.0.5", channel="web")


def only(action):
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, [e.action for e in AuditEntry.objects.all()]
    return entries[0]


def test_a_certification_is_audited_with_the_previous_one_as_old(units):
    user = make_user("sogtvt", role="verifier", unit=units["province"])
    actor = Actor(user=user, ip_address="10.0.0.9", channel="web")
    first = certify_criterion(
        unit=units["ky_lac"], criterion_key="test-commune:2", is_met=False,
        certified_on=D(2021, 9, 25), document_number="12/SGTVT", user=user, actor=actor,
    )  # fmt: skip
    certify_criterion(
        unit=units["ky_lac"], criterion_key="test-commune:2", is_met=True,
        certified_on=D(2021, 9, 25), document_number="15/SGTVT", user=user, actor=actor,
    )  # fmt: skip
    entries = list(AuditEntry.objects.filter(action="certification.record").order_by("id"))
    assert [(e.actor_name, e.ip_address, e.unit_id) for e in entries] == [
        ("sogtvt", "10.0.0.9", units["ky_lac"].pk),
        ("sogtvt", "10.0.0.9", units["ky_lac"].pk),
    ]
    assert entries[0].old is None
    assert entries[1].old == {"is_met": False, "certification": first.pk}
    assert entries[1].new["is_met"] is True
    assert entries[1].summary == "test-commune:2 đạt ngày 25/09/2021 (15/SGTVT)"


def test_recognition_and_revocation_are_audited(units, office):
    criteria_set = CriteriaSet.objects.get(set_id="test-commune")
    recognition = record_recognition(
        unit=units["ky_lac"], tier="standard", decision_number="2468/QĐ-UBND",
        decision_date=D(2021, 12, 20), issuer="UBND tỉnh Hà Tĩnh", criteria_set=criteria_set,
        actor=office,
    )  # fmt: skip
    record_revocation(
        recognition=recognition, decision_number="99/QĐ-UBND", decision_date=D(2024, 1, 5),
        reason="rớt chuẩn tiêu chí 10", actor=office,
    )  # fmt: skip
    recognized = only("recognition.record")
    assert (recognized.object_type, recognized.object_id) == (
        "recognition.recognition", str(recognition.pk)
    )  # fmt: skip
    assert recognized.new["decision_number"] == "2468/QĐ-UBND"
    assert recognized.new["criteria_set"] == "test-commune@1"
    revoked = only("revocation.record")
    assert (revoked.unit_id, revoked.reason) == (units["ky_lac"].pk, "rớt chuẩn tiêu chí 10")
    assert (revoked.old, revoked.new["revoked"]) == (
        {"recognition": recognition.pk, "revoked": False}, True
    )  # fmt: skip


def test_targets_registrations_and_sponsorships_are_audited(units, office):
    record_target(
        unit=units["district"], tier="advanced", year=2022, child_level="commune",
        child_count=4, actor=office,
    )  # fmt: skip
    record_registration(unit=units["ky_lac"], tier="standard", year=2021, actor=office)
    record_registration(
        unit=units["ky_lac"], tier="standard", year=2021, status="recognized",
        status_on=D(2021, 12, 20), actor=office,
    )  # fmt: skip
    sponsor = Department.objects.create(name="Sở Khoa học và Công nghệ", unit=units["province"])
    record_sponsorship(unit=units["ky_lac"], sponsor=sponsor, actor=office)
    assert only("target.record").summary == "Mục tiêu advanced năm 2022: 4 commune"
    registrations = list(AuditEntry.objects.filter(action="registration.record").order_by("id"))
    assert [(e.old, e.new["status"]) for e in registrations] == [
        (None, "in_progress"),
        ({"status": "in_progress", "status_on": None}, "recognized"),
    ]
    assert only("sponsorship.record").new["sponsor"] == "Sở Khoa học và Công nghệ"


def test_writes_without_an_actor_are_audited_as_the_system(units):
    record_target(unit=units["ky_lac"], tier="standard", year=2021)
    entry = only("target.record")
    assert (entry.actor_id, entry.actor_name, entry.channel) == (None, "", "system")


def test_unit_events_through_the_api_are_audited_with_the_units_before_and_after(units):
    admin = make_user("admin", role="administrator")
    client = Client()
    client.force_login(admin)
    body = {
        "unit_ids": [units["ky_tay"].pk], "into_id": units["ky_lac"].pk,
        "effective_date": "2024-01-01", "legal_act_number": "1283/NQ-UBTVQH15",
    }  # fmt: skip
    response = client.post(
        "/api/units/events/merge", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    event = ReorganizationEvent.objects.get(kind="merge")
    entry = only("unit.merge")
    assert (entry.object_id, entry.actor_name, entry.channel) == (str(event.pk), "admin", "api")
    assert entry.old["units"][0]["name"] == "Xã Kỳ Tây"
    assert entry.new == {
        "count": 1,
        "units": [{"id": response.json()["units"][0]["id"], "name": "Xã Kỳ Lạc", "code": "18850"}],
        "legal_act": "1283/NQ-UBTVQH15",
    }
    assert entry.summary == "Sáp nhập 01/01/2024: Xã Kỳ Tây, Xã Kỳ Lạc → Xã Kỳ Lạc"


def test_villages_regions_and_commune_groups_through_the_api_are_audited(units):
    office = make_user("hatinh", role="approver", unit=units["province"])
    client = Client()
    client.force_login(office)
    village = client.post(
        "/api/units/villages",
        json.dumps({"parent_id": units["ky_lac"].pk, "name": "Thôn Tân Tiến", "kind": "village",
                    "valid_from": "2020-01-01"}),
        content_type="application/json",
    )  # fmt: skip
    assert village.status_code == 201
    assert only("unit.create_village").summary == "Thêm thôn Thôn Tân Tiến vào Xã Kỳ Lạc"
    patch = client.patch(
        f"/api/units/{units['ky_lac'].pk}", json.dumps({"region": "DBSH"}),
        content_type="application/json",
    )  # fmt: skip
    assert patch.status_code == 200
    region = only("unit.set_region")
    assert (region.old["region"], region.new) == ("BTB", {"region": "DBSH"})


def test_a_commune_user_may_not_record_unit_changes_and_nothing_is_written(units):
    clerk = make_user("kylac", role="data_entry", unit=units["ky_lac"])
    client = Client()
    client.force_login(clerk)
    before = (AdminUnit.objects.count(), AuditEntry.objects.count())
    response = client.post(
        "/api/units/villages",
        json.dumps({"parent_id": units["ky_lac"].pk, "name": "Thôn A", "kind": "village"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert (AdminUnit.objects.count(), AuditEntry.objects.count()) == before


def test_the_trail_survives_the_deletion_of_the_records_it_describes(units, office):
    target = record_target(unit=units["ky_lac"], tier="standard", year=2021, actor=office)
    value = record_value(
        unit=units["ky_lac"], indicator_key="test-commune:10", observed_on=D(2021, 9, 25),
        value=40, actor=office,
    )  # fmt: skip
    target_id, value_id = target.pk, value.pk
    Target.objects.filter(pk=target_id).delete()
    IndicatorValue.objects.filter(pk=value_id).delete()
    entries = AuditEntry.objects.filter(object_id__in=[str(target_id), str(value_id)]).values_list(
        "action", "object_type", "unit_label"
    )
    assert sorted(entries) == [
        ("target.record", "programme.target", "Xã Kỳ Lạc"),
        ("value.create", "values.indicatorvalue", "Xã Kỳ Lạc"),
    ]


def test_each_record_write_keeps_its_action_and_object_type(units, office):
    """The entries are keyed by model, not by the module that writes them: moving the writes
    to their apps (issue 10) left every action and object type as it was."""
    ky_lac = units["ky_lac"]
    record_value(
        unit=ky_lac, indicator_key="test-commune:10", observed_on=D(2021, 9, 25), value=40,
        actor=office,
    )  # fmt: skip
    certify_criterion(
        unit=ky_lac, criterion_key="test-commune:2", is_met=True, certified_on=D(2021, 9, 25),
        actor=office,
    )  # fmt: skip
    recognition = record_recognition(
        unit=ky_lac, tier="standard", decision_number="1/QĐ", decision_date=D(2021, 12, 20),
        actor=office,
    )  # fmt: skip
    record_revocation(
        recognition=recognition, decision_number="2/QĐ", decision_date=D(2024, 1, 5),
        actor=office,
    )  # fmt: skip
    record_target(unit=ky_lac, tier="standard", year=2021, actor=office)
    record_registration(unit=ky_lac, tier="standard", year=2021, actor=office)
    sponsor = Department.objects.create(name="Sở Y tế", unit=units["province"])
    record_sponsorship(unit=ky_lac, sponsor=sponsor, actor=office)
    record_figure(
        unit=ky_lac, metric="income", label="Thu nhập bình quân", reported_on=D(2021, 12, 31),
        source="Báo cáo xã", value=40, actor=office,
    )  # fmt: skip
    keys = set(AuditEntry.objects.values_list("action", "object_type"))
    assert keys == {
        ("value.create", "values.indicatorvalue"),
        ("certification.record", "values.criterioncertification"),
        ("recognition.record", "recognition.recognition"),
        ("revocation.record", "recognition.revocation"),
        ("target.record", "programme.target"),
        ("registration.record", "programme.registration"),
        ("sponsorship.record", "programme.sponsorship"),
        ("figure.record", "reports.reportedfigure"),
    }
