"""Authoring API: session auth, refusals by status code, the same rules as the pages."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ntm.audit.models import AuditEntry
from ntm.criteria.exchange import export_yaml
from ntm.criteria.tests.helpers import DECISION_TEXT, snapshot, stored

pytestmark = pytest.mark.django_db

BASE = "/api/criteria"


@pytest.fixture
def api(client, world):
    def as_user(name: str | None):
        client.logout()
        if name:
            client.force_login(world.users[name])
        return client

    return as_user


def send(client, method: str, path: str, payload=None):
    return getattr(client, method)(
        BASE + path, data=json.dumps(payload or {}), content_type="application/json"
    )


def new_variant(client):
    return send(client, "post", "/test-commune-next/variants", {"province_code": "42"})


def test_writes_need_a_signed_in_user(api):
    before = snapshot()
    assert new_variant(api(None)).status_code == 401
    assert snapshot() == before


def test_office_creates_fills_and_publishes_a_variant(api):
    client = api("hatinh")
    created = new_variant(client)
    assert created.status_code == 201
    body = created.json()
    assert (body["label"], body["status"], body["extends"]) == (
        "hatinh-test-commune-next@1",
        "draft",
        "test-commune-next@1",
    )
    assert [p["message"] for p in body["problems"]] == [
        "Chưa nhập số văn bản ban hành bộ tiêu chí.",
        "Chưa nhập ngày ban hành.",
    ]
    path = "/hatinh-test-commune-next/versions/1"
    filled = send(
        client,
        "put",
        path + "/thresholds/17.1",
        {
            "cells": [{"value": 95}],
            "decision": {
                "number": "123/QĐ-THỬ",
                "date": "2026-03-15",
                "issuer": "UBND tỉnh Hà Tĩnh",
            },
        },
    )
    assert filled.status_code == 200
    assert filled.json()["needs_confirmation"] == 0
    refused = send(client, "post", path + "/publish")
    assert refused.status_code == 422
    assert refused.json()["problems"][0] == {
        "place": "văn bản ban hành",
        "message": "Chưa nhập số văn bản ban hành bộ tiêu chí.",
    }
    details = send(
        client,
        "patch",
        path,
        {"name_vi": "Bộ xã Hà Tĩnh (thử)", "legal_number": "45/QĐ-THỬ", "legal_date": "2026-02-01",
         "legal_issuer": "UBND tỉnh Hà Tĩnh"},
    )  # fmt: skip
    assert details.status_code == 200 and details.json()["problems"] == []
    published = send(client, "post", path + "/publish")
    assert published.status_code == 200
    assert (published.json()["status"], published.json()["published_by"]) == ("published", "hatinh")
    indicator = stored("hatinh-test-commune-next").to_domain().criterion("17").indicators[0]
    assert indicator.thresholds[0].sources == (DECISION_TEXT,)
    assert AuditEntry.objects.filter(channel="api").count() == 4


def test_loosening_is_422_with_the_reason_and_nothing_changes(api):
    client = api("hatinh")
    new_variant(client)
    before = snapshot()
    response = send(
        client,
        "put",
        "/hatinh-test-commune-next/versions/1/thresholds/10",
        {
            "cells": [{"value": 30, "region": "BTB", "from_year": 2020}],
            "decision": {"number": "1/QĐ-THỬ", "date": "2026-03-15", "issuer": "UBND tỉnh"},
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith(
        "Bắc Trung Bộ, từ năm 2020: 30 nới lỏng ngưỡng của bộ gốc ≥ 36"
    )
    assert snapshot() == before


@pytest.mark.parametrize(("persona", "status"), [("kylac", 403), ("thanhhoa", 403)])
def test_other_users_cannot_create_hatinhs_variant(api, persona, status):
    before = snapshot()
    response = new_variant(api(persona))
    assert response.status_code == status
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["kylac", "thanhhoa"])
def test_another_users_edits_of_the_draft_are_404_and_change_nothing(api, persona):
    new_variant(api("hatinh"))
    client = api(persona)
    before = snapshot()
    path = "/hatinh-test-commune-next/versions/1"
    assert (
        send(client, "post", path + "/criteria", {"number": "20", "name_vi": "X"}).status_code
        == 404
    )
    assert send(client, "post", path + "/publish").status_code == 404
    assert send(client, "delete", path).status_code == 404
    assert client.get(BASE + "/hatinh-test-commune-next?version=1").status_code == 404
    assert client.get(BASE + "/hatinh-test-commune-next/export?version=1").status_code == 404
    assert snapshot() == before


def test_editing_a_published_version_is_409(api):
    client = api("hatinh")
    before = snapshot()
    response = send(
        client,
        "post",
        "/test-province-commune/versions/1/criteria",
        {"number": "21", "name_vi": "X"},
    )
    assert response.status_code == 409
    assert "không bao giờ được sửa" in response.json()["detail"]
    assert snapshot() == before


def test_a_second_draft_version_is_409(api):
    client = api("hatinh")
    assert send(client, "post", "/test-province-commune/versions").status_code == 201
    response = send(client, "post", "/test-province-commune/versions")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Bộ test-province-commune đang có bản nháp phiên bản 2: hãy tiếp tục bản nháp đó."
    )


def test_criteria_and_indicators_through_the_api(api):
    client = api("hatinh")
    new_variant(client)
    path = "/hatinh-test-commune-next/versions/1"
    assert (
        send(
            client, "post", path + "/criteria", {"number": "20", "name_vi": "Vườn mẫu"}
        ).status_code
        == 201
    )
    added = send(
        client,
        "post",
        path + "/criteria/20/indicators",
        {
            "code": "20.1",
            "name_vi": "Số vườn mẫu",
            "kind": "number",
            "unit": "vườn",
            "comparator": ">=",
        },
    )
    assert added.status_code == 201
    assert added.json()["needs_confirmation"] == 2  # 17.1 and the new 20.1
    renamed = send(client, "patch", path + "/criteria/20", {"name_vi": "Vườn mẫu, khu dân cư mẫu"})
    assert renamed.status_code == 200
    assert send(client, "delete", path + "/indicators/20.1").status_code == 200
    assert send(client, "delete", path + "/criteria/20").status_code == 200
    bad = send(client, "post", path + "/criteria", {"number": "10", "name_vi": "Thu nhập"})
    assert (bad.status_code, bad.json()["field"]) == (422, "number")


def test_drafts_listing_and_preview(api):
    client = api("hatinh")
    new_variant(client)
    drafts = client.get(BASE + "/authoring/drafts").json()
    assert [d["label"] for d in drafts] == ["hatinh-test-commune-next@1"]
    preview = client.get(BASE + "/hatinh-test-commune-next/versions/1/preview?as_of=2022-06-30")
    assert preview.status_code == 200
    assert (preview.json()["units"], preview.json()["compared_with"]) == (3, "test-commune-next@1")
    assert api("thanhhoa").get(BASE + "/authoring/drafts").json() == []


def test_export_and_import_through_the_api(api):
    client = api("hatinh")
    exported = client.get(BASE + "/test-province-commune/export")
    assert exported.status_code == 200
    assert exported["Content-Type"] == "application/yaml; charset=utf-8"
    same = client.post(
        BASE + "/authoring/import",
        {"file": SimpleUploadedFile("tinh.yaml", exported.content)},
    )
    assert (same.status_code, same.json()["outcome"]) == (200, "unchanged")
    edited = export_yaml(stored("test-province-commune")).replace("Có khu dân cư mẫu", "Khu dân cư")
    created = client.post(
        BASE + "/authoring/import", {"file": SimpleUploadedFile("tinh.yaml", edited.encode())}
    )
    assert created.status_code == 201
    assert created.json()["set"]["label"] == "test-province-commune@2"
    bad = client.post(
        BASE + "/authoring/import", {"file": SimpleUploadedFile("x.yaml", b"id: [oops\n")}
    )
    assert bad.status_code == 422
    assert bad.json()["detail"].startswith("lỗi cú pháp YAML")
    assert bad.json()["place"].startswith("x.yaml, dòng 2")


def test_the_openapi_schema_documents_the_authoring_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    operations = {
        (path, method)
        for path, item in schema["paths"].items()
        for method in item
        if "authoring" in item[method].get("tags", [])
    }
    assert ("/api/criteria/{set_id}/versions/{version}/thresholds/{code}", "put") in operations
    assert ("/api/criteria/{set_id}/versions/{version}/publish", "post") in operations
    assert ("/api/criteria/authoring/import", "post") in operations
    assert len(operations) == 16
