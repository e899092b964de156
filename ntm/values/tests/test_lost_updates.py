"""Lost updates: every edit carries the value it was based on, in every path.

A (the commune's clerk) and B (a colleague) open the same page; A saves; B, on the old
page, saves too. B's untouched cells never undo A's correction, and B's change of A's
cell is refused with A's value, A's name and the time, the rest of B's input kept.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from ntm.approvals.tests.approval_world import INCOME, ROADS, YEAR_END, world
from ntm.audit.services import Actor
from ntm.core.periods import parse_period
from ntm.criteria.selectors import get_set
from ntm.testing import make_user
from ntm.values import services
from ntm.values.bulk import CellInput, ChangeKind, apply_values, plan_values
from ntm.values.concurrency import Base, StaleEdit, check_base
from ntm.values.models import IndicatorValue
from ntm.workbooks.importing import import_workbook
from ntm.workbooks.template import build_template
from ntm.workbooks.tests.workbook_helpers import fill

__all__ = ["world"]

JUDGED = "test-commune:1.1"


class _Inputs(HTMLParser):
    """The fields a browser would post from a page: inputs, checked radios, textareas."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("file", "submit"):
            if a.get("type") == "radio" and "checked" not in a:
                return
            self.fields[a["name"]] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def fields_of(response) -> dict[str, str]:
    parser = _Inputs()
    parser.feed(response.content.decode())
    return {k: v for k, v in parser.fields.items() if k != "csrfmiddlewaretoken"}


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def colleague(world):
    user = make_user("kylac2", role="data_entry", unit=world.units["ky_lac"])
    user.first_name, user.last_name = "", "Nguyễn Văn A"
    user.save()
    return user


def income_value(world) -> float:
    row = IndicatorValue.objects.get(
        unit=world.units["ky_lac"], indicator_key=INCOME, is_current=True
    )
    return row.value


# --- The rule, in bulk.py -------------------------------------------------------------------


def test_a_cell_equal_to_its_base_is_not_written_whatever_was_saved_since(world):
    ky_lac = world.units["ky_lac"].pk
    first = services.record_value(
        unit=world.units["ky_lac"], indicator_key=INCOME, observed_on=YEAR_END, value=55.0
    )
    apply_values([CellInput(ky_lac, INCOME, YEAR_END, value=70.0)], actor=world.actor("kylac"))
    stale = CellInput(ky_lac, INCOME, YEAR_END, value=55.0, base=Base(first.pk))
    plan = apply_values([stale], actor=world.actor("kyanh"))
    assert plan.problems == [] and plan.changes[0].kind is ChangeKind.UNCHANGED
    assert income_value(world) == 70.0


def test_a_changed_cell_on_a_stale_base_is_refused_with_the_newer_value_who_and_when(world):
    ky_lac = world.units["ky_lac"].pk
    first = services.record_value(
        unit=world.units["ky_lac"], indicator_key=INCOME, observed_on=YEAR_END, value=55.0
    )
    apply_values([CellInput(ky_lac, INCOME, YEAR_END, value=70.0)], actor=world.actor("kylac"))
    newer = IndicatorValue.objects.get(unit_id=ky_lac, indicator_key=INCOME, is_current=True)
    plan = plan_values([CellInput(ky_lac, INCOME, YEAR_END, value=60.0, base=Base(first.pk))])
    [problem] = plan.problems
    assert problem.conflict == newer
    when = newer.entered_at.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert problem.message == (
        f"Ô này đã được kylac sửa thành 70 triệu đồng/người/năm lúc "
        f"{when:%H:%M %d/%m/%Y} sau khi bạn mở trang; hãy xem lại."
    )
    # A base of "nothing in force" is stale too once someone saved a value.
    plan = plan_values([CellInput(ky_lac, INCOME, YEAR_END, value=60.0, base=Base(None))])
    assert plan.problems[0].conflict == newer
    # With the right base the correction goes through.
    plan = plan_values([CellInput(ky_lac, INCOME, YEAR_END, value=60.0, base=Base(newer.pk))])
    assert plan.problems == [] and plan.changes[0].kind is ChangeKind.CHANGED


def test_the_reusable_helper_refuses_a_stale_single_record(world):
    row = services.record_value(
        unit=world.units["ky_lac"], indicator_key=INCOME, observed_on=YEAR_END, value=55.0
    )
    check_base(Base(row.pk), row)
    check_base(None, row)
    with pytest.raises(StaleEdit, match="đã được .* sửa thành 55 lúc"):
        check_base(Base(None), row, value_text="55")


# --- The entry form -------------------------------------------------------------------------


def form_url(world) -> str:
    return f"/units/{world.units['ky_lac'].pk}/entry/?set=test-commune&period=2021"


def test_a_stale_form_keeps_the_newer_value_of_a_cell_it_did_not_change(world, colleague):
    services.record_value(
        unit=world.units["ky_lac"], indicator_key=INCOME, observed_on=YEAR_END, value=55.0
    )
    a, b = login(world.users["kylac"]), login(colleague)
    form_a, form_b = fields_of(a.get(form_url(world))), fields_of(b.get(form_url(world)))
    assert form_b["v-10"] == "55" and form_b["b-10"].isdigit()
    saved = a.post(form_url(world), {**form_a, "v-10": "70", "action": "draft"})
    assert saved.status_code == 302 and income_value(world) == 70.0
    # B changes only the roads indicator and saves: A's 70 stays.
    response = b.post(form_url(world), {**form_b, "n-2-1": "8", "d-2-1": "10", "action": "draft"})
    assert response.status_code == 302
    assert income_value(world) == 70.0
    roads = IndicatorValue.objects.get(indicator_key=ROADS, is_current=True)
    assert (roads.numerator, roads.denominator) == (8.0, 10.0)


def test_a_stale_form_changing_the_same_cell_is_refused_and_keeps_the_input(world, colleague):
    services.record_value(
        unit=world.units["ky_lac"], indicator_key=INCOME, observed_on=YEAR_END, value=55.0
    )
    a, b = login(colleague), login(world.users["kylac"])
    form_a, form_b = fields_of(a.get(form_url(world))), fields_of(b.get(form_url(world)))
    assert a.post(form_url(world), {**form_a, "v-10": "70", "action": "draft"}).status_code == 302
    before = IndicatorValue.objects.count()
    response = b.post(
        form_url(world),
        {**form_b, "v-10": "60", "n-2-1": "8", "d-2-1": "10", "action": "draft"},
    )
    assert response.status_code == 409
    page = text(response)
    assert "Ô này đã được Nguyễn Văn A sửa thành 70 triệu đồng/người/năm lúc" in page
    assert "sau khi bạn mở trang; hãy xem lại." in page
    assert IndicatorValue.objects.count() == before and income_value(world) == 70.0
    kept = fields_of(response)
    assert (kept["v-10"], kept["n-2-1"], kept["d-2-1"]) == ("60", "8", "10")
    # The page now carries the newer value as the base: saving again after review works.
    assert kept["b-10"] == str(IndicatorValue.objects.get(indicator_key=INCOME, is_current=True).pk)
    again = b.post(form_url(world), {**kept, "action": "draft"})
    assert again.status_code == 302 and income_value(world) == 60.0


def test_a_form_opened_before_a_first_value_was_saved_is_refused_on_that_cell(world, colleague):
    a, b = login(colleague), login(world.users["kylac"])
    form_a, form_b = fields_of(a.get(form_url(world))), fields_of(b.get(form_url(world)))
    assert form_b["b-10"] == ""
    assert a.post(form_url(world), {**form_a, "v-10": "70", "action": "draft"}).status_code == 302
    response = b.post(form_url(world), {**form_b, "v-10": "40", "action": "draft"})
    assert response.status_code == 409 and income_value(world) == 70.0


# --- The grid -------------------------------------------------------------------------------


def grid_url(world) -> str:
    return f"/units/{world.units['district'].pk}/grid/?set=test-commune&period=2021&indicators=10"


def test_the_grid_skips_untouched_cells_and_refuses_a_stale_changed_one(world):
    ky_lac, ky_tay = world.units["ky_lac"], world.units["ky_tay"]
    for unit in (ky_lac, ky_tay):
        services.record_value(unit=unit, indicator_key=INCOME, observed_on=YEAR_END, value=55.0)
    office = world.users["kyanh"]
    a, b = login(office), login(office)
    grid_a, grid_b = fields_of(a.get(grid_url(world))), fields_of(b.get(grid_url(world)))
    lac, tay = f"c-{ky_lac.pk}-10", f"c-{ky_tay.pk}-10"
    assert grid_b[lac] == "55" and grid_b[f"b-{ky_lac.pk}-10"].isdigit()
    saved = a.post(grid_url(world), {**grid_a, lac: "70", "action": "save"})
    assert saved.status_code == 302
    # B changes only Kỳ Tây: Kỳ Lạc's 70 stays.
    assert b.post(grid_url(world), {**grid_b, tay: "50", "action": "save"}).status_code == 302
    assert income_value(world) == 70.0
    # B, still on the old grid, changes Kỳ Lạc: refused with A's value.
    response = b.post(grid_url(world), {**grid_b, lac: "60", "action": "save"})
    assert response.status_code == 409
    assert "đã được kyanh sửa thành 70" in text(response)
    assert income_value(world) == 70.0


# --- The API --------------------------------------------------------------------------------


def post(client: Client, *values, reason: str = ""):
    return client.post(
        "/api/values",
        {"values": list(values), "reason": reason},
        content_type="application/json",
    )


def test_the_api_refuses_a_stale_expected_value_with_409_and_the_current_one(world):
    ky_lac = world.units["ky_lac"].pk
    clerk = login(world.users["kylac"])
    read = clerk.get(f"/api/values/{ky_lac}?set=test-commune&period=2021").json()
    income = next(i for i in read["indicators"] if i["key"] == INCOME)
    assert income["value_id"] is None
    cell = {"unit_id": ky_lac, "indicator_key": INCOME, "period": "2021"}
    first = post(clerk, {**cell, "value": 55, "expected": {"value_id": None}})
    assert first.status_code == 200, first.json()
    first_id = IndicatorValue.objects.get(indicator_key=INCOME, is_current=True).pk
    other = login(world.users["kyanh"])
    assert post(other, {**cell, "value": 70, "expected": {"value_id": first_id}}).status_code == 200
    # The clerk, on what it read first: an unchanged value is not written, a change is a 409.
    same = post(clerk, {**cell, "value": 55, "expected": {"value_id": first_id}})
    assert same.status_code == 200 and same.json()["unchanged"] == 1
    stale = post(clerk, {**cell, "value": 60, "expected": {"value_id": first_id}})
    assert stale.status_code == 409
    [problem] = stale.json()["problems"]
    current = IndicatorValue.objects.get(indicator_key=INCOME, is_current=True)
    assert problem["current"]["value_id"] == current.pk
    assert (problem["current"]["value"], problem["current"]["entered_by"]) == (70.0, "kyanh")
    assert problem["current"]["entered_at"] is not None
    assert "đã được kyanh sửa thành 70" in problem["message"]
    assert income_value(world) == 70.0
    # Without expected, the API writes as before (the client takes the risk).
    assert post(clerk, {**cell, "value": 60}).status_code == 200 and income_value(world) == 60.0


def test_the_openapi_schema_documents_expected_and_409(world):
    schema = login(world.users["kylac"]).get("/api/openapi.json").json()
    value_in = schema["components"]["schemas"]["ValueIn"]["properties"]
    assert "expected" in value_in and "409" in schema["paths"]["/api/values"]["post"]["responses"]


# --- Excel ----------------------------------------------------------------------------------


def test_a_stale_template_skips_untouched_rows_and_refuses_changed_ones(world):
    ky_lac, ky_tay = world.units["ky_lac"], world.units["ky_tay"]
    for unit in (ky_lac, ky_tay):
        services.record_value(unit=unit, indicator_key=INCOME, observed_on=YEAR_END, value=55.0)
    template = build_template(
        criteria_set=get_set("test-commune"),
        units=[ky_lac, ky_tay],
        period=parse_period("2021"),
        parent=world.units["district"],
    ).content
    services.record_value(
        unit=ky_lac, indicator_key=INCOME, observed_on=YEAR_END, value=70.0,
        actor=world.actor("kyanh"),
    )  # fmt: skip
    # Kỳ Lạc's row untouched (55 as prefilled), Kỳ Tây changed: written, 70 kept.
    result = import_workbook(fill(template, {("18793", "10"): {"value": 50}}), actor=Actor(None))
    assert result.applied and income_value(world) == 70.0
    # Kỳ Lạc's row changed on the stale template: refused with the newer value and where.
    result = import_workbook(fill(template, {("18850", "10"): {"value": 60}}), actor=Actor(None))
    assert not result.applied
    [problem] = result.problems
    assert "sửa thành 70" in problem.message and problem.location.row > 0
    assert problem.location.column
    assert income_value(world) == 70.0


def test_the_excel_upload_page_keeps_the_base_from_preview_to_confirmation(
    world, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.NTM_WORKBOOK_JOBS = "inline"
    settings.MEDIA_ROOT = tmp_path / "media"
    ky_lac, ky_tay, district = world.units["ky_lac"], world.units["ky_tay"], world.units["district"]
    for unit in (ky_lac, ky_tay):
        services.record_value(unit=unit, indicator_key=INCOME, observed_on=YEAR_END, value=55.0)
    template = build_template(
        criteria_set=get_set("test-commune"), units=[ky_lac, ky_tay], period=parse_period("2021"),
        parent=district,
    ).content  # fmt: skip
    services.record_value(
        unit=ky_lac, indicator_key=INCOME, observed_on=YEAR_END, value=70.0,
        actor=world.actor("kyanh"),
    )  # fmt: skip
    office = login(world.users["hatinh"])
    content = fill(template, {("18793", "10"): {"value": 50}})
    response = office.post(
        reverse("web:workbook-upload-file", args=[district.id]),
        {
            "file": SimpleUploadedFile("mau.xlsx", content),
            "set": "test-commune",
            "period": "2021",
        },
    )
    assert response.status_code == 302, response.content[:300]
    token = response["Location"].rstrip("/").split("/")[-1]
    office.post(reverse("web:workbook-confirm", args=[district.id, token]))
    current = dict(IndicatorValue.objects.filter(is_current=True).values_list("unit_id", "value"))
    assert current == {ky_lac.pk: 70.0, ky_tay.pk: 50.0}
