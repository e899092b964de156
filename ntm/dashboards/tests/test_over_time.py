"""Evaluating on several dates from one read gives what evaluate_units gives on each date."""

import datetime as dt

import numpy as np
import pytest

from ntm.criteria.selectors import get_set
from ntm.criteria.services import load_criteria_sets
from ntm.dashboards.evaluation import UnitRows, evaluate_units, recognized_tier_rank
from ntm.dashboards.over_time import RecognitionRows, evaluate_on_dates
from ntm.recognition.services import record_recognition, record_revocation
from ntm.testing import COMMUNE_SET, DISTRICT_SET, VARIANT_SET, make_ky_anh, write_sets
from ntm.units.models import AdminUnit
from ntm.values.services import certify_criterion, record_value

pytestmark = pytest.mark.django_db

D = dt.date
DATES = [D(2019, 12, 31), D(2020, 6, 30), D(2020, 12, 31), D(2021, 9, 25), D(2022, 1, 1)]


@pytest.fixture
def units(tmp_path):
    load_criteria_sets(write_sets(tmp_path, COMMUNE_SET, VARIANT_SET, DISTRICT_SET))
    found = make_ky_anh()
    ky_lac, ky_tay, lam_hop = found["ky_lac"], found["ky_tay"], found["lam_hop"]
    value = record_value
    # Values of every kind, corrected and superseded, on several dates.
    value(unit=ky_lac, indicator_key="test-commune:10", observed_on=D(2020, 6, 30), value=30.0)
    value(unit=ky_lac, indicator_key="test-commune:10", observed_on=D(2021, 6, 30), value=37.5)
    value(unit=ky_lac, indicator_key="test-commune:1.1", observed_on=D(2020, 6, 30), is_met=True)
    value(unit=ky_tay, indicator_key="test-commune:1.1", observed_on=D(2020, 6, 30), is_met=False)
    value(unit=ky_tay, indicator_key="test-commune:2.1", observed_on=D(2020, 6, 30),
          numerator=8, denominator=10)  # fmt: skip
    value(unit=ky_tay, indicator_key="test-commune:2.1", observed_on=D(2020, 6, 30),
          numerator=10, denominator=10)  # a correction  # fmt: skip
    value(unit=lam_hop, indicator_key="test-commune:10", observed_on=D(2020, 12, 31), value=50.0)
    certify = certify_criterion
    certify(unit=ky_lac, criterion_key="test-commune:19", is_met=True, certified_on=D(2020, 1, 1))
    certify(unit=ky_tay, criterion_key="test-commune:19", is_met=False, certified_on=D(2020, 1, 1))
    # Certified met, then a newer income value below the threshold decides (2021-06-30).
    certify(unit=ky_lac, criterion_key="test-commune:10", is_met=True, certified_on=D(2020, 9, 1))
    value(unit=ky_lac, indicator_key="test-commune:10", observed_on=D(2021, 8, 1), value=20.0)
    record_recognition(
        unit=ky_tay, tier="standard", decision_number="1/QĐ", decision_date=D(2020, 12, 15)
    )
    return found


@pytest.mark.parametrize("set_id", ["test-commune", "test-province-commune"])
def test_every_date_gives_the_result_of_evaluate_units(units, set_id):
    criteria_set = get_set(set_id)
    communes = AdminUnit.objects.filter(level="commune", valid_to__isnull=False)
    rows = UnitRows.from_queryset(communes)
    results = evaluate_on_dates(criteria_set, rows, DATES)
    assert sorted(results) == DATES
    for day in DATES:
        expected = evaluate_units(criteria_set, communes, day)
        got = results[day]
        assert got.units.ids.tolist() == expected.units.ids.tolist()
        assert got.criterion_status.tolist() == expected.criterion_status.tolist(), day
        assert got.indicator_status.tolist() == expected.indicator_status.tolist(), day
        assert got.met.tolist() == expected.met.tolist(), day
        np.testing.assert_array_equal(got.indicator_value, expected.indicator_value)


def test_a_newer_value_overrides_an_older_certification_on_later_dates_only(units):
    criteria_set = get_set("test-commune")
    rows = UnitRows.from_queryset(AdminUnit.objects.filter(pk=units["ky_lac"].pk))
    results = evaluate_on_dates(criteria_set, rows, [D(2021, 7, 31), D(2021, 8, 1)])
    income = [c.number for c in criteria_set.to_domain().criteria].index("10")
    assert results[D(2021, 7, 31)].criterion_status[0, income] == 1  # certified met
    assert results[D(2021, 8, 1)].criterion_status[0, income] == 2  # 20 < 36: not met


def test_district_sets_with_aggregates_match_too(units):
    criteria_set = get_set("test-district")
    districts = AdminUnit.objects.filter(level="district")
    results = evaluate_on_dates(criteria_set, UnitRows.from_queryset(districts), DATES)
    for day in DATES:
        expected = evaluate_units(criteria_set, districts, day)
        np.testing.assert_array_equal(results[day].indicator_value, expected.indicator_value)
        assert results[day].all_met.tolist() == expected.all_met.tolist()


def test_recognition_rows_give_the_tier_held_on_each_day(units):
    ky_lac = units["ky_lac"]
    recognition = record_recognition(
        unit=ky_lac, tier="advanced", decision_number="2/QĐ", decision_date=D(2021, 3, 1)
    )
    record_revocation(recognition=recognition, decision_number="3/QĐ", decision_date=D(2021, 10, 1))
    ids = np.sort(
        np.asarray(AdminUnit.objects.filter(level="commune").values_list("id", flat=True))
    )
    rows = RecognitionRows.read(ids)
    for day in [*DATES, D(2021, 3, 1), D(2021, 9, 30), D(2021, 10, 1)]:
        assert rows.ranks_on(day).tolist() == recognized_tier_rank(ids, day).tolist(), day
    position = int(np.searchsorted(ids, ky_lac.pk))
    assert rows.ranks_on(D(2021, 9, 30))[position] == 2
    assert rows.ranks_on(D(2021, 10, 1))[position] == 0


def test_a_long_list_of_units_reads_every_row_and_keeps_only_theirs(units, monkeypatch):
    from ntm.values import inputs

    criteria_set = get_set("test-commune")
    some = AdminUnit.objects.filter(pk__in=[units["ky_lac"].pk, units["lam_hop"].pk])
    listed = {day: evaluate_units(criteria_set, some, day) for day in DATES}
    monkeypatch.setattr(inputs, "LONG_LIST", 1)  # as with ten thousand communes
    results = evaluate_on_dates(criteria_set, UnitRows.from_queryset(some), DATES)
    for day in DATES:
        expected = listed[day]
        assert results[day].criterion_status.tolist() == expected.criterion_status.tolist()
        assert results[day].met.tolist() == expected.met.tolist()
    ids = np.sort(np.asarray([units["ky_lac"].pk, units["ky_tay"].pk]))
    rows = RecognitionRows.read(ids)
    assert (
        rows.ranks_on(D(2021, 1, 1)).tolist() == recognized_tier_rank(ids, D(2021, 1, 1)).tolist()
    )
    assert rows.ranks_on(D(2021, 1, 1)).tolist() == [0, 1]  # Kỳ Tây: standard since 2020
