"""The recognition API: every step through /api/recognition with the same checks as the
pages (404 outside the scope, 403 with the reason, 422 listing every problem and, for a
decision, the conditions), audited with the channel "api", documented in OpenAPI."""

from __future__ import annotations

import json

import pytest

from ntm.audit.models import AuditEntry
from ntm.recognition.models import Recognition, RecognitionCase
from ntm.recognition.tests.helpers import D, case_at, certify, pdf, set_satisfaction

API = "/api/recognition"


def _as(client, world, username):
    client.force_login(world["users"][username])
    return client


def _post(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


def test_the_whole_flow_through_the_api(client, world):
    set_satisfaction(world)
    kylac = _as(client, world, "kylac")
    created = _post(
        kylac,
        f"{API}/cases",
        {
            "unit_id": world["ky_lac"].pk,
            "tier": "standard",
            "year": 2024,
            "registered_on": "2024-01-10",
        },
    )
    assert created.status_code == 201
    case_id = created.json()["id"]
    assert created.json()["stage"] == "self_assessment"
    assert created.json()["waiting_for"] == "commune"
    certify(world["ky_lac"], on=D(2024, 10, 1))
    body = _post(
        kylac, f"{API}/cases/{case_id}/self-assessment", {"assessed_on": "2024-10-01"}
    ).json()
    assert (body["stage"], body["assessed_met"], body["assessed_total"]) == ("dossier", 10, 10)
    for kind in ("satisfaction_survey", "debt_report", "security_confirmation"):
        uploaded = kylac.post(
            f"{API}/cases/{case_id}/documents",
            {"kind": kind, "number": "1/BC", "file": pdf(f"{kind}.pdf")},
        )
        assert uploaded.status_code == 201, uploaded.content
        assert uploaded.json()["content_type"] == "application/pdf"
    declared = _post(
        kylac,
        f"{API}/cases/{case_id}/declarations",
        {"satisfaction_percent": 94, "satisfaction_on": "2024-10-02",
         "has_construction_debt": False, "debt_declared_on": "2024-10-02",
         "is_security_complicated": False, "security_confirmed_by": "Công an xã",
         "security_confirmed_on": "2024-10-02"},
    )  # fmt: skip
    assert declared.status_code == 200
    assert _post(kylac, f"{API}/cases/{case_id}/submit", {}).json()["waiting_for"] == "district"
    kyanh = _as(client, world, "kyanh")
    verified = _post(
        kyanh,
        f"{API}/cases/{case_id}/verification",
        {"verified_on": "2024-10-10", "report_number": "15/BC-UBND"},
    )
    assert verified.json()["stage"] == "appraisal"
    hatinh = _as(client, world, "hatinh")
    appraised = _post(
        hatinh,
        f"{API}/cases/{case_id}/appraisal",
        {"appraised_on": "2024-10-20", "report_number": "88/BC", "council_name": "Hội đồng tỉnh",
         "council_members": 9, "votes_for": 9},
    )  # fmt: skip
    assert appraised.json()["stage"] == "decision"
    conditions = hatinh.get(f"{API}/cases/{case_id}/conditions?on=2024-11-01").json()
    assert conditions["all_met"] is True
    assert [c["state"] for c in conditions["checks"]] == ["met"] * 4
    decided = _post(
        hatinh,
        f"{API}/cases/{case_id}/decision",
        {"decision_number": "1021/QĐ-UBND", "decision_date": "2024-11-01",
         "signer": "Phó Chủ tịch", "issuer": "UBND tỉnh Hà Tĩnh"},
    )  # fmt: skip
    assert decided.status_code == 200
    assert decided.json()["recognition"]["decision_number"] == "1021/QĐ-UBND"
    announced = _post(
        hatinh,
        f"{API}/cases/{case_id}/announcement",
        {"announced_on": "2024-11-05", "where": "Cổng TTĐT"},
    )
    assert announced.json()["stage"] == "monitoring"
    assert (
        _post(hatinh, f"{API}/cases/{case_id}/revocation/start", {"comment": "Rớt chuẩn"}).json()[
            "stage"
        ]
        == "revocation"
    )
    revoked = _post(
        hatinh,
        f"{API}/cases/{case_id}/revocation",
        {"decision_number": "77/QĐ", "decision_date": "2024-12-20", "issuer": "UBND tỉnh",
         "reason": "Không đạt 5/10 tiêu chí."},
    )  # fmt: skip
    body = revoked.json()
    assert body["stage"] == "revoked" and body["revocation"]["decision_number"] == "77/QĐ"
    assert [e["action"] for e in body["events"]] == [
        "register", "self_assess", "declare", "submit", "verify", "appraise", "decide",
        "announce", "start_revocation", "revoke",
    ]  # fmt: skip
    channels = set(
        AuditEntry.objects.filter(action__startswith="recognition_case").values_list(
            "channel", flat=True
        )
    )
    assert channels == {"api"}


def test_a_refused_decision_answers_422_with_each_condition(client, world):
    case = case_at(world, "decision", ready=False)
    before = (AuditEntry.objects.count(), Recognition.objects.count())
    response = _post(
        _as(client, world, "hatinh"),
        f"{API}/cases/{case.pk}/decision",
        {"decision_number": "9/QĐ", "decision_date": "2024-11-01", "signer": "A", "issuer": "B"},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == (
        "Chưa thể ghi quyết định công nhận: 3 điều kiện của QĐ 18/2022/QĐ-TTg chưa đạt."
    )
    assert [p.split(" ", 1)[0] for p in body["problems"][1:]] == ["C2", "C3", "C4"]
    assert [c["state"] for c in body["conditions"]["checks"]] == [
        "met", "needs_setting", "missing", "missing"
    ]  # fmt: skip
    assert body["conditions"]["checks"][0]["summary"].startswith("đạt 10/10 tiêu chí")
    assert (AuditEntry.objects.count(), Recognition.objects.count()) == before


def test_a_wrong_level_answers_403_and_a_wrong_order_422(client, world):
    case = case_at(world, "verification")
    hatinh = _as(client, world, "hatinh")
    denied = _post(
        hatinh,
        f"{API}/cases/{case.pk}/verification",
        {"verified_on": "2024-10-05", "report_number": "1"},
    )
    assert denied.status_code == 403
    assert denied.json()["detail"].startswith("Bước thẩm tra do văn phòng nông thôn mới cấp huyện")
    early = _post(
        hatinh, f"{API}/cases/{case.pk}/announcement", {"announced_on": "2024-10-05", "where": "x"}
    )
    assert early.status_code == 422
    assert early.json()["problems"] == [
        "Hồ sơ đang ở bước “Thẩm tra”; không thể ghi việc công bố lúc này."
    ]
    assert RecognitionCase.objects.get(pk=case.pk).stage == "verification"


def test_out_of_scope_is_404_and_anonymous_401(client, world):
    case = case_at(world, "dossier")
    kytay = _as(client, world, "kytay")
    assert kytay.get(f"{API}/cases/{case.pk}").status_code == 404
    assert _post(kytay, f"{API}/cases/{case.pk}/submit", {}).status_code == 404
    assert kytay.get(f"{API}/cases").json() == []
    document = case.documents.first()
    assert kytay.get(f"{API}/documents/{document.pk}/file").status_code == 404
    assert _as(client, world, "kylac").get(f"{API}/documents/{document.pk}/file").status_code == 200
    client.logout()
    assert client.get(f"{API}/cases").status_code == 401
    assert RecognitionCase.objects.get(pk=case.pk).stage == "dossier"


def test_a_refused_upload_answers_422_naming_the_file(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = case_at(world, "dossier", ready=False)
    response = _as(client, world, "kylac").post(
        f"{API}/cases/{case.pk}/documents",
        {"kind": "request", "file": SimpleUploadedFile("to-trinh.pdf", b"<html>x</html>")},
    )
    assert response.status_code == 422
    assert response.json()["problems"][0].startswith("Tệp “to-trinh.pdf” không phải là loại")
    assert case.documents.count() == 0


def test_list_filters_by_stage(client, world):
    case_at(world, "dossier")
    case_at(world, "appraisal", unit_key="ky_tay")
    hatinh = _as(client, world, "hatinh")
    assert [c["stage"] for c in hatinh.get(f"{API}/cases?stage=appraisal").json()] == ["appraisal"]
    assert len(hatinh.get(f"{API}/cases").json()) == 2


def test_monitoring_settings_and_re_acknowledgement(client, world):
    recognition = Recognition.objects.create(
        unit=world["lam_hop"], tier="standard", decision_number="6/QĐ", decision_date=D(2021, 1, 5)
    )
    certify(world["lam_hop"], failing=(1, 2, 10), on=D(2024, 6, 30))
    hatinh = _as(client, world, "hatinh")
    monitoring = hatinh.get(
        f"{API}/monitoring?unit_id={world['province'].pk}&as_of=2024-12-31"
    ).json()
    assert (monitoring["recognized"], monitoring["due"]) == (1, 1)
    assert monitoring["rows"][0]["key_failed"] == ["10. Thu nhập"]
    settings = hatinh.get(f"{API}/settings?province_id={world['province'].pk}").json()
    satisfaction = next(s for s in settings if s["key"] == "satisfaction_min_percent")
    assert (satisfaction["value"], satisfaction["is_legal"]) == (None, True)
    refused = _post(
        hatinh,
        f"{API}/settings",
        {
            "province_id": world["province"].pk,
            "key": "satisfaction_min_percent",
            "value": 90,
            "decision_date": "2024-01-01",
        },
    )
    assert refused.status_code == 422 and refused.json()["problems"] == [
        "Cần nhập số văn bản quy định."
    ]
    saved = _post(
        hatinh,
        f"{API}/settings",
        {
            "province_id": world["province"].pk,
            "key": "satisfaction_min_percent",
            "value": 90,
            "decision_date": "2024-01-01",
            "decision_number": "12/QĐ",
        },
    )
    assert next(s for s in saved.json() if s["key"] == "satisfaction_min_percent")["value"] == 90
    pending = hatinh.get(
        f"{API}/reacknowledgements/pending?province_id={world['province_2025'].pk}"
    ).json()
    assert [p["unit"]["name"] for p in pending] == ["Xã Kỳ Lạc"]
    assert pending[0]["recognized_predecessors"] == 1
    made = _post(
        hatinh,
        f"{API}/reacknowledgements",
        {"unit_id": world["new_ky_lac"].pk, "tier": "standard", "recognition_ids": [recognition.pk],
         "decision_number": "1500/QĐ-UBND", "decision_date": "2025-09-10", "issuer": "UBND tỉnh"},
    )  # fmt: skip
    assert made.status_code == 201 and made.json()["acknowledged"] == [recognition.pk]
    assert (
        hatinh.get(
            f"{API}/reacknowledgements/pending?province_id={world['province_2025'].pk}"
        ).json()
        == []
    )
    commune = _as(client, world, "newkylac")
    again = _post(
        commune,
        f"{API}/reacknowledgements",
        {"unit_id": world["new_ky_lac"].pk, "tier": "advanced", "recognition_ids": [recognition.pk],
         "decision_number": "1", "decision_date": "2025-09-10", "issuer": "UBND"},
    )  # fmt: skip
    assert again.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/api/recognition/cases",
        "/api/recognition/cases/{case_id}/decision",
        "/api/recognition/cases/{case_id}/verification",
        "/api/recognition/cases/{case_id}/documents",
        "/api/recognition/monitoring",
        "/api/recognition/reacknowledgements",
        "/api/recognition/settings",
    ],
)
def test_every_step_is_in_the_openapi_schema(client, path):
    schema = client.get("/api/openapi.json").json()
    assert path in schema["paths"]
