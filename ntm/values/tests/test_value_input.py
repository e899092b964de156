"""Bad values refused in every path with a clear message, nothing stored: numbers that are
not numbers, days outside the programme, texts without a length limit, and a verifier
entering another department's figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from ntm.approvals.tests.approval_world import INCOME, ROADS, YEAR_END, world
from ntm.audit.services import Actor
from ntm.core.periods import parse_period
from ntm.criteria.selectors import get_set
from ntm.values.bulk import CellInput, plan_values
from ntm.values.models import IndicatorValue
from ntm.values.validation import MAX_NOTE, MAX_REASON, MAX_SOURCE, latest_day
from ntm.workbooks.importing import import_workbook
from ntm.workbooks.template import build_template
from ntm.workbooks.tests.workbook_helpers import fill

__all__ = ["world"]

JUDGED = "test-commune:1.1"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, *values, reason: str = ""):
    return client.post(
        "/api/values",
        {"values": list(values), "reason": reason},
        content_type="application/json",
    )


def cell(world, **fields):
    return {
        "unit_id": world.units["ky_lac"].pk,
        "indicator_key": INCOME,
        "period": "2021",
        **fields,
    }


# --- Strict numbers in the API ---------------------------------------------------------------


@pytest.mark.parametrize(
    "field, sent",
    [
        ("value", True),
        ("value", "55"),
        ("value", False),
        ("numerator", True),
        ("denominator", "10"),
        ("unit_id", True),
        ("expected", {"value_id": True}),
    ],
)
def test_the_api_refuses_a_boolean_or_a_string_where_a_number_is_expected(world, field, sent):
    clerk = login(world.users["kylac"])
    key = ROADS if field != "value" else INCOME
    base = {"numerator": 8, "denominator": 10} if field != "value" else {}
    response = post(clerk, cell(world, indicator_key=key, **{**base, field: sent}))
    assert response.status_code == 422
    assert IndicatorValue.objects.count() == 0


def test_the_api_still_takes_integers_and_decimals(world):
    clerk = login(world.users["kylac"])
    assert post(clerk, cell(world, value=55)).status_code == 200
    assert post(clerk, cell(world, value=55.5)).status_code == 200
    assert IndicatorValue.objects.get(is_current=True).value == 55.5


# --- Days ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day", [dt.date(1, 1, 1), dt.date(2009, 12, 31), dt.date(latest_day().year + 1, 1, 1)]
)
def test_a_day_outside_the_programme_is_refused(world, day):
    clerk = login(world.users["kylac"])
    fields = cell(world, value=55)
    del fields["period"]
    response = post(clerk, {**fields, "observed_on": day.isoformat()})
    assert response.status_code == 422
    assert "ngoài khoảng cho phép" in response.json()["problems"][0]["message"]
    assert IndicatorValue.objects.count() == 0


def test_the_programme_start_and_the_end_of_next_year_are_accepted(world):
    ky_lac = world.units["ky_lac"].pk
    for day in (dt.date(2010, 1, 1), latest_day()):
        plan = plan_values([CellInput(ky_lac, INCOME, day, value=1.0)])
        assert not any("ngoài khoảng" in p.message for p in plan.problems), plan.problems


# --- Lengths: API, form, grid, Excel ----------------------------------------------------------


def test_the_api_refuses_a_long_note_source_or_reason_saying_the_limit(world):
    clerk = login(world.users["kylac"])
    megabyte = "x" * 1_000_000
    for fields, limit in (({"note": megabyte}, MAX_NOTE), ({"source": megabyte}, MAX_SOURCE)):
        response = post(clerk, cell(world, value=55, **fields))
        assert response.status_code == 422
        assert f"vượt quá {limit} ký tự" in response.json()["problems"][0]["message"]
    response = post(clerk, cell(world, value=55), reason=megabyte)
    assert response.status_code == 422
    assert f"vượt quá {MAX_REASON} ký tự" in response.json()["problems"][0]["message"]
    assert IndicatorValue.objects.count() == 0
    ok = post(clerk, cell(world, value=55, note="n" * MAX_NOTE), reason="r" * MAX_REASON)
    assert ok.status_code == 200


def form_url(world) -> str:
    return f"/units/{world.units['ky_lac'].pk}/entry/?set=test-commune&period=2021"


def test_the_form_refuses_a_long_note_source_or_reason(world):
    clerk = login(world.users["kylac"])
    long = "x" * 5000
    for fields in (
        {"v-10": "55", "note-10": long},
        {"v-10": "55", "src-10": long},
        {"v-10": "55", "reason": long},
    ):
        response = clerk.post(form_url(world), {**fields, "action": "draft"})
        assert response.status_code == 200
        assert "ký tự cho phép; hãy rút gọn" in response.content.decode()
    assert IndicatorValue.objects.count() == 0


def test_the_grid_refuses_a_long_source(world):
    office = login(world.users["kyanh"])
    url = f"/units/{world.units['district'].pk}/grid/?set=test-commune&period=2021&indicators=10"
    response = office.post(
        url,
        {f"c-{world.units['ky_lac'].pk}-10": "55", "source": "s" * 400, "action": "save"},
    )
    assert "vượt quá 300 ký tự" in response.content.decode()
    assert IndicatorValue.objects.count() == 0


def test_excel_refuses_a_long_note(world):
    template = build_template(
        criteria_set=get_set("test-commune"),
        units=[world.units["ky_lac"]],
        period=parse_period("2021"),
    ).content
    result = import_workbook(
        fill(template, {("18850", "10"): {"value": 55, "note": "n" * 2001}}), actor=Actor(None)
    )
    assert not result.applied and "2000" in result.problems[0].message
    assert IndicatorValue.objects.count() == 0


# --- Verifiers enter only their department's criteria -----------------------------------------


def test_a_verifier_enters_its_departments_indicators_only(world):
    transport = login(world.users["sogtvt"])
    roads = cell(world, indicator_key=ROADS, numerator=8, denominator=10)
    assert post(transport, roads).status_code == 200
    for other in (cell(world, value=55), cell(world, indicator_key=JUDGED, is_met=True)):
        response = post(transport, other)
        assert response.status_code == 422
        assert (
            "tài khoản thẩm tra chỉ nhập số liệu các tiêu chí của sở, ngành mình"
            in (response.json()["problems"][0]["message"])
        )
    assert list(IndicatorValue.objects.values_list("indicator_key", flat=True)) == [ROADS]
    # A verifier without a department enters nothing.
    assert post(login(world.users["thamtra"]), {**roads, "numerator": 9}).status_code == 422


def test_a_verifier_on_the_form_is_refused_another_departments_field(world):
    health = login(world.users["soyte"])
    response = health.post(form_url(world), {"v-10": "55", "action": "draft"})
    assert "do văn phòng điều phối thẩm tra" in response.content.decode()
    assert IndicatorValue.objects.count() == 0
    response = health.post(form_url(world), {"j-1-1": "met", "action": "draft"})
    assert response.status_code == 302
    assert IndicatorValue.objects.get().indicator_key == JUDGED
    assert IndicatorValue.objects.get().observed_on == YEAR_END


def test_a_long_approval_comment_is_refused_on_the_page_not_cut(world):
    from ntm.approvals import approval

    approval.submit_period(
        unit=world.units["ky_lac"], criteria_set=world.criteria_set,
        period=parse_period("2021"), actor=world.actor("kylac"),
    )  # fmt: skip
    office = login(world.users["kyanh"])
    url = f"/units/{world.units['ky_lac'].pk}/approval/return/?set=test-commune&period=2021"
    response = office.post(url, {"comment": "c" * 2500}, follow=True)
    assert "vượt quá 2000 ký tự" in response.content.decode()
    assert world.submission().status == "submitted"


def test_a_verifier_saves_the_whole_form_with_other_departments_values_on_it(world):
    from ntm.values import services
    from ntm.values.tests.test_lost_updates import fields_of

    services.record_value(
        unit=world.units["ky_lac"], indicator_key=INCOME, observed_on=YEAR_END, value=55.0
    )
    health = login(world.users["soyte"])
    form = fields_of(health.get(form_url(world)))
    assert form["v-10"] == "55"  # shown, and posted back unchanged
    response = health.post(form_url(world), {**form, "j-1-1": "met", "action": "draft"})
    assert response.status_code == 302
    current = dict(
        IndicatorValue.objects.filter(is_current=True).values_list("indicator_key", "value")
    )
    assert set(current) == {INCOME, JUDGED} and current[INCOME] == 55.0
