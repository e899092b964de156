"""The users, tokens, audit, evidence and boundary endpoints: what the pages do, by API."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ntm.accounts.models import ApiToken, Profile
from ntm.accounts.services import create_token
from ntm.audit.models import AuditEntry
from ntm.audit.services import Actor
from ntm.criteria.services import load_criteria_sets
from ntm.testing import COMMUNE_SET, make_ky_anh, make_user, write_sets
from ntm.units.models import BoundaryUpload
from ntm.values.models import EvidenceFile

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(tmp_path):
    load_criteria_sets(write_sets(tmp_path, COMMUNE_SET))
    units = make_ky_anh()
    return {
        **units,
        "kyanh": make_user("kyanh", role="approver", unit=units["district"]),
        "kylac": make_user("kylac", role="data_entry", unit=units["ky_lac"]),
        "kytay": make_user("kytay", role="data_entry", unit=units["ky_tay"]),
        "hatinh": make_user("hatinh", role="approver", unit=units["province"]),
    }


def as_token(user):
    key = create_token(actor=Actor(user=None, channel="cli"), user=user).key
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_an_office_creates_and_edits_users_by_api_with_the_same_limits(world):
    client = as_token(world["kyanh"])
    created = client.post(
        "/api/users",
        json.dumps({"username": "kylac2", "unit_id": world["ky_lac"].pk, "role": "viewer"}),
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["user"]["unit"], body["user"]["role"]) == ("Xã Kỳ Lạc", "viewer")
    assert "/accounts/set-password/" in body["password_link"]["url"]
    user_id = body["user"]["id"]
    refused = client.patch(
        f"/api/users/{user_id}", json.dumps({"role": "administrator"}), content_type=JSON
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "role"
    assert Profile.objects.get(user_id=user_id).role == "viewer"
    off = client.patch(f"/api/users/{user_id}", json.dumps({"is_active": False}), content_type=JSON)
    assert (off.status_code, off.json()["is_active"]) == (200, False)
    assert client.get(f"/api/users/{world['hatinh'].pk}").status_code == 404
    assert [a for a in AuditEntry.objects.order_by("id").values_list("action", flat=True)
            if a.startswith("user.")] == ["user.create", "user.password_link", "user.deactivate"]  # fmt: skip


def test_commune_users_get_403_on_user_admin_and_nothing_changes(world):
    client = as_token(world["kylac"])
    before = (Profile.objects.count(), AuditEntry.objects.count())
    assert client.get("/api/users").status_code == 403
    response = client.post(
        "/api/users", json.dumps({"username": "x1", "unit_id": world["ky_lac"].pk, "role": "viewer"}),
        content_type=JSON,
    )  # fmt: skip
    assert response.status_code == 403
    assert (Profile.objects.count(), AuditEntry.objects.count()) == before


def test_tokens_by_api_key_shown_once_and_revocable(world):
    client = as_token(world["kylac"])
    made = client.post(
        "/api/tokens", json.dumps({"name": "cron", "expires_in_days": 7}), content_type=JSON
    )
    assert made.status_code == 201
    key = made.json()["token"]
    listed = client.get("/api/tokens").json()
    assert len(listed) == 2 and all("token" not in t for t in listed)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/tokens").status_code == 200
    other = ApiToken.objects.create(
        user=world["kytay"], name="t", prefix="ntm_x", key_hash="0" * 64
    )
    assert client.delete(f"/api/tokens/{other.pk}").status_code == 404
    assert client.delete(f"/api/tokens/{made.json()['id']}").status_code == 200
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/tokens").status_code == 401


def test_evidence_upload_download_and_removal_by_api(world):
    clerk = as_token(world["kylac"])
    form = {"unit_id": world["ky_lac"].pk, "set": "test-commune", "period": "2021", "indicator": "10",
            "file": SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF")}  # fmt: skip
    uploaded = clerk.post("/api/evidence", form)
    assert uploaded.status_code == 201, uploaded.content
    body = uploaded.json()
    assert (body["indicator_key"], body["observed_on"], body["content_type"]) == (
        "test-commune:10", "2021-12-31", "application/pdf"
    )  # fmt: skip
    assert clerk.get(body["url"]).status_code == 200
    assert as_token(world["kytay"]).get(body["url"]).status_code == 404
    listed = clerk.get("/api/evidence", {"unit_id": world["ky_lac"].pk, "period": "2021"}).json()
    assert [e["name"] for e in listed] == ["bien-ban.pdf"]
    assert as_token(world["kytay"]).delete(f"/api/evidence/{body['id']}").status_code == 404
    assert clerk.delete(f"/api/evidence/{body['id']}").json()["is_removed"] is True
    assert list(
        AuditEntry.objects.filter(action__startswith="evidence.")
        .values_list("action", "channel")
        .order_by("id")
    ) == [
        ("evidence.add", "api"), ("evidence.remove", "api"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("user", "form", "status", "detail"),
    [
        ("kytay", {}, 404, "No unit"),
        ("kylac", {"file": ("x.exe", b"MZ\x90\x00")}, 422, "không phải là loại được nhận"),
        ("kylac", {"indicator": "99"}, 422, "has no indicator '99'"),
        ("kylac", {"period": "2030-Q9"}, 422, ""),
    ],
)
def test_refused_evidence_uploads_say_why_and_store_nothing(world, user, form, status, detail):
    name, content = form.pop("file", ("a.pdf", b"%PDF-1.4\n%%EOF"))
    body = {"unit_id": world["ky_lac"].pk, "set": "test-commune", "period": "2021",
            "indicator": "10", **form, "file": SimpleUploadedFile(name, content)}  # fmt: skip
    response = as_token(world[user]).post("/api/evidence", body)
    assert response.status_code == status
    assert detail in response.json()["detail"]
    assert EvidenceFile.objects.count() == 0
    assert not AuditEntry.objects.filter(action="evidence.add").exists()


def test_boundary_upload_by_api_is_for_the_province_office(world):
    data = {"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"ma_xa": "18850"}, "geometry": {"type": "Polygon", "coordinates": [
                [[106.24, 18.01], [106.26, 18.01], [106.26, 18.03], [106.24, 18.03], [106.24, 18.01]]]}}]}  # fmt: skip

    def geo():
        return SimpleUploadedFile("ht.geojson", json.dumps(data).encode())

    province = world["province"].pk
    refused = as_token(world["kyanh"]).post(f"/api/boundaries/{province}", {"file": geo()})
    assert refused.status_code == 404  # the province is above a district office's scope
    stored = as_token(world["hatinh"]).post(
        f"/api/boundaries/{province}", {"file": geo(), "codes_on": "2021-12-31"}
    )
    assert stored.status_code == 201, stored.content
    assert (stored.json()["matched"], BoundaryUpload.objects.count()) == (1, 1)
    bad = as_token(world["hatinh"]).post(
        f"/api/boundaries/{province}", {"file": SimpleUploadedFile("x.geojson", b"{")}
    )
    assert bad.status_code == 422 and bad.json()["problems"]
    assert BoundaryUpload.objects.count() == 1


def test_the_audit_api_lists_what_the_caller_may_see(world):
    as_token(world["kylac"]).post(
        "/api/values",
        json.dumps({"values": [{"unit_id": world["ky_lac"].pk, "indicator_key": "test-commune:10",
                                "period": "2021", "value": 40}]}),
        content_type=JSON,
    )  # fmt: skip
    mine = as_token(world["kylac"]).get("/api/audit", {"action": "value.create"}).json()
    assert (mine["count"], mine["items"][0]["actor"]) == (1, "kylac")
    assert (
        as_token(world["kytay"]).get("/api/audit", {"action": "value.create"}).json()["count"] == 0
    )
    assert (
        as_token(world["kytay"]).get("/api/audit", {"unit_id": world["ky_lac"].pk}).status_code
        == 404
    )
