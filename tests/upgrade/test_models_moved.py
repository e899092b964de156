"""A database made by the old layout (every model in ``assessments``) migrates to the new
one (issue 10) with every row, link, content type and audit entry where it was.

The test migrates its database back to the last migrations before the move, writes rows
through the historical models of that state, and migrates forward again; the moves are
state-only, so it takes a few seconds. It runs on whichever engine DATABASE_URL names
(SQLite by default, PostgreSQL in CI).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ntm.accounts.trail import filtered_entries
from ntm.approvals.models import (
    CriterionResponsibility,
    CriterionVerification,
    Submission,
    SubmissionEvent,
)
from ntm.audit.selectors import AuditFilter
from ntm.audit.services import Actor, Change, record_change
from ntm.core.moves import MOVED_FROM_ASSESSMENTS
from ntm.programme.models import Registration, Sponsorship, Target
from ntm.recognition.models import Reacknowledgement, Recognition, RecognitionCase, Revocation
from ntm.reports.models import ReportedFigure
from ntm.units.models import AdminUnit
from ntm.values.models import CriterionCertification, EvidenceFile, IndicatorValue
from ntm.values.selectors import value_history

# The last migrations of the layout before the move, and the apps the move created.
BEFORE = [("assessments", "0005_approval_and_locking"), ("recognition", "0001_initial")]
NEW_APPS = ["values", "approvals", "programme", "reports"]
DAY = dt.date(2024, 12, 31)


def _migrate_back() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate([(app, None) for app in NEW_APPS] + BEFORE)
    executor.loader.build_graph()
    return executor


def _migrate_forward() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_apps(executor: MigrationExecutor):
    graph = executor.loader.graph
    nodes = BEFORE + [graph.leaf_nodes(app)[0] for app in ("audit", "contenttypes", "auth")]
    return executor.loader.project_state(nodes, at_end=True).apps


def _write_old_rows(old) -> dict:
    """One row of every moved model, and its neighbours, through the old layout's models."""
    user = old.get_model("auth", "User").objects.create(username="old-layout")
    unit = old.get_model("units", "AdminUnit").objects.create(
        code="99001", name="Xã Cũ", short_name="Cũ", kind="xa", level="commune",
        source="user", search_name="xa cu",
    )  # fmt: skip
    department = old.get_model("units", "Department").objects.create(name="Sở Y tế", unit=unit)

    def model(name):
        return old.get_model("assessments", name)

    first = model("IndicatorValue").objects.create(
        unit=unit, indicator_key="QG:1.1", observed_on=DAY, value=1.0, is_current=False,
        entered_by=user, source="báo cáo",
    )  # fmt: skip
    value = model("IndicatorValue").objects.create(
        unit=unit, indicator_key="QG:1.1", observed_on=DAY, value=2.5, supersedes=first,
        entered_by=user, note="sửa",
    )  # fmt: skip
    evidence = model("EvidenceFile").objects.create(
        unit=unit, key="QG:1.1", observed_on=DAY, file="evidence/2024/12/a.pdf",
        original_name="a.pdf", content_type="application/pdf", size=1234,
    )  # fmt: skip
    certification = model("CriterionCertification").objects.create(
        unit=unit, criterion_key="QG:1", is_met=True, certified_on=DAY, department=department
    )
    submission = model("Submission").objects.create(
        unit=unit, set_id="QG", period="2024", observed_on=DAY, status="submitted",
        keys=["QG:1.1"], submitted_by=user,
    )  # fmt: skip
    event = model("SubmissionEvent").objects.create(
        submission=submission, action="submit", from_status="draft", to_status="submitted",
        actor=user, actor_name=user.username, data={"n": 1},
    )  # fmt: skip
    verification = model("CriterionVerification").objects.create(
        submission=submission, criterion_key="QG:1", number="1", department=department
    )
    responsibility = model("CriterionResponsibility").objects.create(
        unit=unit, criterion_key="QG:1", department=department, assigned_by=user
    )
    recognition = model("Recognition").objects.create(
        unit=unit, tier="standard", decision_number="12/QĐ", decision_date=DAY
    )
    earlier = model("Recognition").objects.create(
        unit=unit, tier="standard", decision_number="3/QĐ", decision_date=dt.date(2020, 1, 2)
    )
    revocation = model("Revocation").objects.create(
        recognition=earlier, decision_number="5/QĐ", decision_date=dt.date(2021, 1, 2)
    )
    registration = model("Registration").objects.create(
        unit=unit, tier="standard", year=2024, status="recognized"
    )
    case = old.get_model("recognition", "RecognitionCase").objects.create(
        unit=unit, tier="standard", year=2024, set_id="QG", stage="monitoring",
        registration=registration, recognition=recognition,
    )  # fmt: skip
    reack = old.get_model("recognition", "Reacknowledgement").objects.create(
        unit=unit, tier="advanced", decision_number="7/QĐ", decision_date=DAY,
        issuer="UBND tỉnh", recognition=recognition,
    )  # fmt: skip
    reack.acknowledged.add(earlier)
    target = model("Target").objects.create(
        unit=unit, tier="advanced", year=2025, child_level="", child_count=None
    )
    sponsorship = model("Sponsorship").objects.create(unit=unit, sponsor=department)
    figure = model("ReportedFigure").objects.create(
        unit=unit, metric="communes_total", label="Số xã", value=23, reported_on=DAY,
        source="Báo cáo 1",
    )  # fmt: skip
    entry = old.get_model("audit", "AuditEntry").objects.create(
        action="value.correct", object_type="assessments.indicatorvalue",
        object_id=str(value.pk), unit_id=unit.pk, channel="web", reason="số liệu mới",
    )  # fmt: skip
    old.get_model("audit", "AuditEntry").objects.create(
        action="target.record", object_type="assessments.target", object_id=str(target.pk),
        unit_id=unit.pk,
    )  # fmt: skip
    content_type = old.get_model("contenttypes", "ContentType").objects.get(
        app_label="assessments", model="indicatorvalue"
    )
    return {
        "unit": unit.pk, "user": user.pk, "department": department.pk, "first": first.pk,
        "value": value.pk, "evidence": evidence.pk, "certification": certification.pk,
        "submission": submission.pk, "event": event.pk, "verification": verification.pk,
        "responsibility": responsibility.pk, "recognition": recognition.pk,
        "earlier": earlier.pk, "revocation": revocation.pk, "registration": registration.pk,
        "case": case.pk, "reack": reack.pk, "target": target.pk,
        "sponsorship": sponsorship.pk, "figure": figure.pk, "entry": entry.pk,
        "content_type": content_type.pk,
    }  # fmt: skip


def _assert_rows_kept(ids: dict) -> None:
    value = IndicatorValue.objects.get(pk=ids["value"])
    assert (value.value, value.note, value.is_current) == (2.5, "sửa", True)
    assert value.supersedes_id == ids["first"] and value.entered_by_id == ids["user"]
    assert value.supersedes.source == "báo cáo" and value.unit.name == "Xã Cũ"
    evidence = EvidenceFile.objects.get(pk=ids["evidence"])
    assert (evidence.file.name, evidence.size) == ("evidence/2024/12/a.pdf", 1234)
    certification = CriterionCertification.objects.get(pk=ids["certification"])
    assert certification.is_met and certification.department_id == ids["department"]
    submission = Submission.objects.get(pk=ids["submission"])
    assert (submission.status, submission.keys) == ("submitted", ["QG:1.1"])
    event = SubmissionEvent.objects.get(pk=ids["event"])
    assert event.submission == submission and event.data == {"n": 1}
    assert list(submission.verifications.values_list("pk", flat=True)) == [ids["verification"]]
    assert CriterionVerification.objects.get(pk=ids["verification"]).department.name == "Sở Y tế"
    assert (
        CriterionResponsibility.objects.get(pk=ids["responsibility"]).department_id
        == (ids["department"])
    )
    recognition = Recognition.objects.get(pk=ids["recognition"])
    assert recognition.decision_number == "12/QĐ"
    assert recognition.case.pk == ids["case"] and recognition.reacknowledgement.pk == ids["reack"]
    earlier = Recognition.objects.get(pk=ids["earlier"])
    assert earlier.revocation == Revocation.objects.get(pk=ids["revocation"])
    reack = Reacknowledgement.objects.get(pk=ids["reack"])
    assert list(reack.acknowledged.all()) == [earlier]
    case = RecognitionCase.objects.get(pk=ids["case"])
    assert case.registration == Registration.objects.get(pk=ids["registration"])
    assert case.registration.status == "recognized"
    assert Target.objects.get(pk=ids["target"]).year == 2025
    assert Sponsorship.objects.get(pk=ids["sponsorship"]).sponsor_id == ids["department"]
    assert ReportedFigure.objects.get(pk=ids["figure"]).value == 23


def _assert_content_types_moved(ids: dict) -> None:
    content_type = ContentType.objects.get_for_model(IndicatorValue)
    assert content_type.pk == ids["content_type"]
    assert Permission.objects.filter(content_type=content_type, codename="add_indicatorvalue")
    for model, app in MOVED_FROM_ASSESSMENTS.items():
        assert ContentType.objects.filter(app_label=app, model=model).count() == 1
    assert not ContentType.objects.filter(app_label="assessments")


def _assert_audit_linked(ids: dict, admin) -> None:
    unit = AdminUnit.objects.get(pk=ids["unit"])
    value = IndicatorValue.objects.get(pk=ids["value"])
    # An entry written today is keyed by the new label; the old one is found beside it.
    record_change(
        Actor(user=admin, channel="api"),
        Change(action="value.correct", obj=value, unit_id=unit.pk),
        reason="lần hai",
    )
    for key in ("values.indicatorvalue", "assessments.indicatorvalue"):
        found = filtered_entries(admin, AuditFilter(object_type=key, object_id=str(value.pk)))
        assert sorted(e.object_type for e in found) == [
            "assessments.indicatorvalue",
            "values.indicatorvalue",
        ]
    target = AuditFilter(object_type="programme.target", object_id=str(ids["target"]))
    assert [e.action for e in filtered_entries(admin, target)] == ["target.record"]
    history = {row["id"]: row for row in value_history(unit, "QG:1.1")}
    assert history[value.pk]["reason"] in {"số liệu mới", "lần hai"}
    assert history[ids["first"]]["reason"] == ""


@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_old_layout_keeps_every_row_and_link(django_user_model):
    ids = _write_old_rows(_old_apps(_migrate_back()))
    _migrate_forward()

    _assert_rows_kept(ids)
    _assert_content_types_moved(ids)
    admin = django_user_model.objects.create_superuser("admin-after-move", password="x")
    _assert_audit_linked(ids, admin)
