"""Bad input is refused with 4xx and a message, never a 500: lone surrogates, NUL and control
characters in any string (API bodies, query strings, forms, uploaded YAML and GeoJSON), ids
beyond the database's range, days beyond what date arithmetic can hold, and domain refusals
that reach the API or a page uncaught."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError
from django.test import RequestFactory

from ntm.accounts.permissions import WriteDenied
from ntm.approvals.approval import submit_period
from ntm.approvals.locking import PeriodFrozen
from ntm.approvals.tests.approval_world import INCOME, SET_ID, World, world
from ntm.audit.models import AuditEntry
from ntm.criteria import exchange
from ntm.testing import COMMUNE_SET, make_user
from ntm.units import boundaries
from ntm.web.errors import ErrorPagesMiddleware, refusal

__all__ = ["world"]

HUGE = "99999999999999999999"  # > 2^63-1
SURROGATE = "\ud800"


def login(client, w: World, username: str):
    client.force_login(w.users[username])
    return client


def post_json(client, path: str, body: object, method: str = "post"):
    # json.dumps writes a lone surrogate as the escape "\ud800", as any client would.
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def value_batch(w: World, **fields) -> dict:
    row = {"unit_id": w.units["ky_lac"].pk, "indicator_key": INCOME, "period": "2021",
           "value": 38.5, **fields}  # fmt: skip
    return {"values": [row]}


# --------------------------------------------------------------------------- API strings


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(lambda w: value_batch(w, note=f"ghi chú {SURROGATE}"), id="value-note"),
        pytest.param(lambda w: {**value_batch(w), "reason": SURROGATE}, id="batch-reason"),
        pytest.param(lambda w: value_batch(w, indicator_key=INCOME + SURROGATE), id="value-key"),
        pytest.param(lambda w: value_batch(w, source="a\x00b"), id="nul"),
        pytest.param(lambda w: value_batch(w, source="a\x07b"), id="control"),
        pytest.param(lambda w: {**value_batch(w), SURROGATE: 1}, id="object-key"),
    ],
)
def test_a_values_batch_with_a_character_the_database_cannot_store_is_a_422(client, world, body):
    before = AuditEntry.objects.count()
    response = post_json(login(client, world, "kylac"), "/api/values", body(world))
    assert response.status_code == 422, response.content
    assert "U+" in response.json()["detail"]
    assert AuditEntry.objects.count() == before


def test_tabs_and_new_lines_stay_allowed_in_text(client, world):
    body = value_batch(world, note="dòng 1\r\n\tdòng 2")
    response = post_json(login(client, world, "kylac"), "/api/values", body)
    assert response.status_code == 200, response.content


PERIOD_BODY = {"set": SET_ID, "period": "2021"}


@pytest.mark.parametrize(
    ("username", "path", "body"),
    [
        ("kylac", "/api/tokens", {"name": f"máy {SURROGATE}"}),
        ("kyanh", "/api/approvals/{ky_lac}/return", {**PERIOD_BODY, "comment": SURROGATE}),
        (
            "kyanh",
            "/api/certifications/{ky_lac}",
            {
                "set": SET_ID,
                "number": "2",
                "is_met": True,
                "document_number": f"12/{SURROGATE}",
                "certified_on": "2021-06-01",
            },
        ),
        ("kyanh", "/api/users", {"username": f"x{SURROGATE}", "role": "viewer"}),
    ],  # fmt: skip
    ids=["token-name", "approval-comment", "certification-number", "username"],
)
def test_every_json_body_is_checked_at_the_edge(client, world, username, path, body):
    path = path.format(ky_lac=world.units["ky_lac"].pk)
    response = post_json(login(client, world, username), path, body)
    assert response.status_code == 422, response.content
    assert "U+D800" in response.json()["detail"]


def test_a_nul_in_a_query_string_is_a_422_for_the_api(client, world):
    response = client.get("/api/units", {"q": "Kỳ\x00"})
    assert response.status_code == 422
    assert "U+0000" in response.json()["detail"]


def test_a_nul_in_an_api_path_is_a_422(client, world):
    response = login(client, world, "kyanh").get(f"/api/criteria/{SET_ID}%00")
    assert response.status_code == 422


# --------------------------------------------------------------------------- API numbers and days


@pytest.mark.parametrize(
    "path",
    [
        f"/api/units?parent_id={HUGE}",
        f"/api/units/{HUGE}",
        f"/api/approvals/{HUGE}?set={SET_ID}&period=2021",
        f"/api/recognition/cases?unit_id={HUGE}",
        f"/api/users/{HUGE}",
        "/api/audit?date_to=9999-12-31",
        "/api/audit?date_from=0001-01-01",
        "/api/dashboards/{ky_lac}?as_of=9999-12-31",
    ],
)
def test_ids_and_days_beyond_range_are_a_422_not_a_500(client, world, path):
    response = login(client, world, "hatinh").get(path.format(ky_lac=world.units["ky_lac"].pk))
    assert response.status_code == 422, response.content


def test_an_integer_beyond_range_in_a_json_body_is_a_422(client, world):
    body = value_batch(world)
    body["values"][0]["unit_id"] = int(HUGE)
    response = post_json(login(client, world, "kylac"), "/api/values", body)
    assert response.status_code == 422
    assert "2^63-1" in response.json()["detail"]


@pytest.mark.parametrize(
    "path", [f"/api/recognition/cases?offset={HUGE}", f"/api/units?offset={HUGE}"]
)
def test_an_offset_beyond_any_table_is_a_422(client, world, path):
    assert login(client, world, "hatinh").get(path).status_code == 422


@pytest.mark.parametrize(
    ("error", "status"),
    [(OverflowError("Python int too large"), 422), (UnicodeEncodeError("utf-8", SURROGATE, 0, 1, "x"), 422),
     (RecursionError(), 422), (DataError("NUL"), 422), (PeriodFrozen("Đang chờ duyệt."), 409),
     (WriteDenied("Không được."), 403), (ValidationError(["Mã trùng."]), 422), (KeyError("bug"), None)],
)  # fmt: skip
def test_the_one_table_of_refusals(error, status):
    answer = refusal(error)
    assert (answer[0] if answer else None) == status
    if answer:
        assert answer[1]


def test_a_domain_refusal_no_operation_catches_is_a_409_with_its_message(client, world, settings):
    ky_lac = world.units["ky_lac"]
    submit_period(
        unit=ky_lac, criteria_set=world.criteria_set, period=_period(), actor=world.actor("kylac")
    )
    response = login(client, world, "kylac").post(
        "/api/evidence",
        {"unit_id": ky_lac.pk, "set": SET_ID, "period": "2021", "indicator": "10",
         "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF")},
    )  # fmt: skip
    assert response.status_code == 409, response.content
    assert response.json()["detail"]


def _period():
    from ntm.core.periods import parse_period

    return parse_period("2021")


# --------------------------------------------------------------------------- pages


PAGES = [
    "/units/{h}/",
    "/units/{h}/children/",
    "/units/{h}/entry/",
    "/units/{h}/grid/",
    "/evidence/{h}/",
    "/units/{h}/dashboard/",
    "/units/{h}/map/",
    "/units/{h}/boundaries/",
    "/criteria/test-commune/{h}/",
    "/units/{h}/excel/",
    "/units/{h}/xlsx/",
    "/units/{h}/approval/",
    "/units/{h}/certifications/",
    "/users/{h}/",
    "/units/{h}/audit/",
    "/recognition/cases/{h}/",
    "/recognition/documents/{h}/",
    "/recognition/reacknowledgement/{h}/",
    "/criteria/test-commune/?version={h}",
    "/recognitions/?province={h}",
    "/audit/?unit={h}",
    "/recognition/cases/?year={h}",
    "/units/{k}/?as_of=9999-12-31",
    "/units/{k}/dashboard/?as_of=9999-12-31",
    "/units/{d}/dashboard/?as_of=9999-12-31",
    "/units/{d}/map/?as_of=9999-12-31",
    "/units/{k}/certifications/?date=9999-12-31",
    "/recognition/monitoring/?as_of=9999-12-31",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_page_answers_ids_and_days_beyond_range_with_a_500(client, world, path):
    client.force_login(make_user("national", role="administrator", unit=None))
    url = path.format(h=HUGE, k=world.units["ky_lac"].pk, d=world.units["district"].pk)
    response = client.get(url)
    assert response.status_code in (200, 404), url
    if "{h}/" in path:
        assert response.status_code == 404  # an id no record can have


@pytest.mark.parametrize(
    "query",
    [{"to": "9999-12-31"}, {"from": "0001-01-01"}, {"actor": HUGE}],
)
def test_the_audit_page_refuses_days_and_ids_beyond_range_with_a_message(client, world, query):
    response = login(client, world, "hatinh").get("/audit/", query)
    assert response.status_code == 200
    if "actor" not in query:
        assert "2100" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "param"),
    [("/units/{ky_lac}/", "as_of"), ("/units/{district}/dashboard/", "as_of"),
     ("/units/{ky_lac}/certifications/", "date"), ("/dashboard/", "as_of")],
)  # fmt: skip
def test_a_page_given_a_day_beyond_range_shows_its_default_day(client, world, path, param):
    world.users["national"] = make_user("national", role="viewer", unit=None)
    url = path.format(ky_lac=world.units["ky_lac"].pk, district=world.units["district"].pk)
    response = login(client, world, "national").get(url, {param: "9999-12-31"})
    assert response.status_code == 200
    assert "9999-12-31" in response.content.decode()  # named in the message


@pytest.mark.parametrize("query", [{"q": "Kỳ\x00"}, {"q": "\x1b[31m"}], ids=["nul", "escape"])
def test_a_control_character_in_a_page_query_is_a_422_page(client, world, query):
    response = login(client, world, "hatinh").get("/search/", query)
    assert response.status_code == 422
    assert 'data-testid="error-message"' in response.content.decode()


def test_a_control_character_in_a_page_form_is_a_422_page(client, world):
    response = client.post("/login/", {"username": "kylac\x00", "password": "x"})
    assert response.status_code == 422
    assert "U+0000" in response.content.decode()


def test_a_domain_refusal_that_escapes_a_view_is_a_page_with_its_status(world, rf: RequestFactory):
    middleware = ErrorPagesMiddleware(lambda request: None)
    request = rf.post("/units/1/entry/")
    response = middleware.process_exception(request, PeriodFrozen("Kỳ 2021 đang chờ duyệt."))
    assert response.status_code == 409
    assert "Kỳ 2021 đang chờ duyệt." in response.content.decode()
    assert middleware.process_exception(request, KeyError("bug")) is None  # stays a 500


# --------------------------------------------------------------------------- uploaded files


def test_a_criteria_file_with_a_surrogate_escape_is_refused_with_its_line():
    import yaml

    text = yaml.safe_dump(COMMUNE_SET, allow_unicode=True, sort_keys=False)
    text = text.replace("name_vi: Quy hoạch", 'name_vi: "Quy hoạch \\ud800"')
    with pytest.raises(exchange.ImportRefused) as refused:
        exchange.read_file(text.encode(), filename="bo.yaml")
    assert refused.value.line is not None
    assert "U+D800" in str(refused.value)


def test_a_boundary_file_with_a_surrogate_in_a_code_is_refused():
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"ma_xa": "18850\ud800"}, "geometry": None}]}  # fmt: skip
    with pytest.raises(boundaries.BoundaryRefused) as refused:
        boundaries.parse_collection(json.dumps(data).encode(), "ha-tinh.geojson")
    assert "U+D800" in str(refused.value.problems)
