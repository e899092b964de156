"""`ntm evaluate` and the evaluation API: output shape and clear refusals."""

import datetime as dt
import json

import pytest

from ntm import cli
from ntm.criteria.services import load_criteria_sets
from ntm.testing import ADVANCED_SET, COMMUNE_SET, VARIANT_SET, make_ky_anh, make_user, write_sets
from ntm.values import services

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def ky_anh(tmp_path):
    load_criteria_sets(write_sets(tmp_path, COMMUNE_SET, ADVANCED_SET, VARIANT_SET))
    units = make_ky_anh()
    services.record_value(
        unit=units["ky_lac"],
        indicator_key="test-commune:10",
        observed_on=dt.date(2021, 6, 30),
        value=40.0,
    )
    services.record_value(
        unit=units["ky_lac"],
        indicator_key="test-commune:1.1",
        observed_on=dt.date(2021, 6, 30),
        is_met=False,
    )
    return units


def run_cli(capsys, *argv):
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_evaluate_prints_the_documented_json(ky_anh, capsys):
    code, out, err = run_cli(
        capsys,
        "evaluate",
        "--unit",
        "18850",
        "--set",
        "test-province-commune",
        "--as-of",
        "2021-09-25",
        "--json",
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["unit"]["name"] == "Xã Kỳ Lạc" and data["unit"]["code"] == "18850"
    assert (data["set"], data["as_of"], data["met"], data["total"]) == (
        "test-province-commune",
        "2021-09-25",
        1,
        5,
    )
    assert [c["number"] for c in data["criteria"]] == ["1", "2", "10", "19", "20"]
    assert {"number", "name", "status", "indicators"} <= set(data["criteria"][0])
    assert data["criteria"][0]["status"] == "not_met"
    assert data["eligible_tiers"] == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["--unit", "99999", "--set", "test-commune", "--as-of", "2021-09-25"],
            "No administrative unit has the code '99999'",
            id="unknown unit",
        ),
        pytest.param(
            ["--unit", "18850", "--set", "nope", "--as-of", "2021-09-25"],
            "Unknown criteria set 'nope'",
            id="unknown set",
        ),
        pytest.param(
            ["--unit", "18850", "--set", "test-commune", "--as-of", "25/09/2021"],
            "is not a date",
            id="bad date",
        ),
        pytest.param(
            ["--unit", "18850", "--set", "test-commune", "--as-of", "2026-01-01"],
            "on 2026-01-01",
            id="unit gone by then",
        ),
    ],
)
def test_evaluate_refuses_bad_input_with_a_message_and_no_traceback(ky_anh, capsys, argv, message):
    code, out, err = run_cli(capsys, "evaluate", *argv, "--json")
    assert code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_evaluation_api_returns_the_same_report(ky_anh, client):
    client.force_login(make_user("kylac-viewer", unit=ky_anh["ky_lac"]))
    response = client.get(
        "/api/criteria/test-commune/evaluation", {"unit": "18850", "as_of": "2021-09-25"}
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["met"], data["total"], data["unit"]["code"]) == (1, 4, "18850")
    income = data["criteria"][2]["indicators"][0]
    assert (income["status"], income["value"], income["threshold"]) == ("met", 40.0, 36.0)


def test_evaluation_api_is_closed_to_anonymous_and_to_units_outside_the_scope(ky_anh, client):
    query = {"unit": "18850", "as_of": "2021-09-25"}
    anonymous = client.get("/api/criteria/test-commune/evaluation", query)
    assert anonymous.status_code == 401
    client.force_login(make_user("kytay-viewer", unit=ky_anh["ky_tay"]))
    other = client.get("/api/criteria/test-commune/evaluation", query)
    assert (other.status_code, other.json()) == (404, {"detail": "No unit '18850' in your scope."})


def test_evaluation_api_unknown_set_and_unit(ky_anh, client):
    client.force_login(make_user("national-viewer"))
    assert (
        client.get(
            "/api/criteria/nope/evaluation", {"unit": "18850", "as_of": "2021-09-25"}
        ).status_code
        == 404
    )
    assert (
        client.get(
            "/api/criteria/test-commune/evaluation", {"unit": "1", "as_of": "2021-09-25"}
        ).status_code
        == 404
    )
    assert (
        client.get(
            "/api/criteria/test-commune/evaluation", {"unit": "18850", "as_of": "yesterday"}
        ).status_code
        == 422
    )


def test_criteria_api_lists_sets_and_the_openapi_schema_is_served(ky_anh, client):
    listing = client.get("/api/criteria").json()
    assert {s["id"] for s in listing} == {
        "test-commune",
        "test-province-commune",
        "test-commune-advanced",
    }
    detail = client.get("/api/criteria/test-province-commune").json()
    assert detail["summary"]["extends"] == "test-commune@1"
    schema = client.get("/api/openapi.json").json()
    assert "/api/criteria/{set_id}/evaluation" in schema["paths"]
