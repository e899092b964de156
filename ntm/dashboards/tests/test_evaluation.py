"""Evaluation from the database: values as of a date, certifications, aggregates, tiers."""

import datetime as dt

import pytest

from ntm.criteria.selectors import get_set
from ntm.criteria.services import load_criteria_sets
from ntm.dashboards.evaluation import evaluate_unit, evaluate_units
from ntm.programme.services import record_registration, record_sponsorship, record_target
from ntm.recognition.services import record_recognition, record_revocation
from ntm.testing import (
    ADVANCED_SET,
    COMMUNE_SET,
    DISTRICT_SET,
    VARIANT_SET,
    make_ky_anh,
    write_sets,
)
from ntm.units.models import AdminUnit
from ntm.values import selectors
from ntm.values.models import IndicatorValue
from ntm.values.services import certify_criterion, record_value
from ntm.values.validation import AssessmentError

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def units(tmp_path):
    load_criteria_sets(write_sets(tmp_path, COMMUNE_SET, ADVANCED_SET, VARIANT_SET, DISTRICT_SET))
    return make_ky_anh()


def enter(unit, key, on, **fields):
    return record_value(unit=unit, indicator_key=key, observed_on=on, **fields)


def statuses(report):
    return {c["number"]: c["status"] for c in report["criteria"]}


def test_status_as_of_a_date_uses_the_latest_value_before_it(units):
    ky_lac = units["ky_lac"]
    enter(ky_lac, "test-commune:10", D(2020, 6, 30), value=30.0)
    enter(ky_lac, "test-commune:10", D(2021, 6, 30), value=37.5)
    commune = get_set("test-commune")
    assert statuses(evaluate_unit(ky_lac, commune, D(2020, 12, 31)))["10"] == "not_met"
    report = evaluate_unit(ky_lac, commune, D(2021, 9, 25))
    income = report["criteria"][2]["indicators"][0]
    assert (income["status"], income["value"], income["threshold"]) == ("met", 37.5, 36.0)
    # Before any value: missing; before 2020 no threshold row applies: not evaluable.
    assert statuses(evaluate_unit(ky_lac, commune, D(2020, 1, 1)))["10"] == "missing"
    assert statuses(evaluate_unit(ky_lac, commune, D(2019, 12, 31)))["10"] == "not_evaluable"


def test_correction_keeps_the_previous_value_in_history(units):
    ky_lac = units["ky_lac"]
    first = enter(ky_lac, "test-commune:10", D(2021, 6, 30), value=33.0, source="báo cáo xã")
    second = enter(ky_lac, "test-commune:10", D(2021, 6, 30), value=36.5, source="thẩm tra huyện")
    first.refresh_from_db()
    assert (first.is_current, second.is_current, second.supersedes) == (False, True, first)
    history = selectors.value_history(ky_lac, "test-commune:10")
    assert [h["value"] for h in history] == [36.5, 33.0]
    report = evaluate_unit(ky_lac, get_set("test-commune"), D(2021, 9, 25))
    assert report["criteria"][2]["indicators"][0]["value"] == 36.5


def test_a_newer_value_overrides_an_older_certification_and_not_the_reverse(units):
    ky_lac, income = units["ky_lac"], "test-commune:10"
    certify_criterion(unit=ky_lac, criterion_key=income, is_met=False, certified_on=D(2021, 9, 25))
    record_value(unit=ky_lac, indicator_key=income, observed_on=D(2021, 6, 30), value=37.0)
    on_cert_day = evaluate_unit(ky_lac, get_set("test-commune"), D(2021, 9, 25))
    assert statuses(on_cert_day)["10"] == "not_met"  # the department's later decision stands
    record_value(unit=ky_lac, indicator_key=income, observed_on=D(2021, 12, 31), value=37.0)
    year_end = evaluate_unit(ky_lac, get_set("test-commune"), D(2021, 12, 31))
    assert statuses(year_end)["10"] == "met"
    assert (
        statuses(evaluate_unit(ky_lac, get_set("test-commune"), D(2021, 10, 1)))["10"] == "not_met"
    )


def test_twelve_of_twenty_style_count_with_certified_criteria(units):
    ky_lac = units["ky_lac"]
    record_value(
        unit=ky_lac, indicator_key="test-commune:1.1", observed_on=D(2021, 1, 1), is_met=True
    )
    record_value(
        unit=ky_lac,
        indicator_key="test-commune:2.1",
        observed_on=D(2021, 1, 1),
        numerator=7.7,
        denominator=10,
    )
    certify_criterion(
        unit=ky_lac,
        criterion_key="test-commune:19",
        is_met=True,
        certified_on=D(2021, 3, 1),
        document_number="12/CAH",
    )
    record_value(
        unit=ky_lac,
        indicator_key="test-province-commune:20.1",
        observed_on=D(2021, 1, 1),
        is_met=True,
    )
    report = evaluate_unit(ky_lac, get_set("test-province-commune"), D(2021, 9, 25))
    assert statuses(report) == {
        "1": "met",
        "2": "not_met",
        "10": "missing",
        "19": "met",
        "20": "met",
    }
    assert (report["met"], report["total"]) == (3, 5)
    roads = report["criteria"][1]["indicators"][0]
    assert roads["value"] == pytest.approx(77.0) and roads["gap"] == pytest.approx(23.0)
    assert report["criteria"][3]["certified"] is True
    assert report["eligible_tiers"] == []


def test_values_entered_under_the_national_set_serve_the_provincial_variant(units):
    enter(units["ky_lac"], "test-commune:10", D(2021, 6, 30), value=40.0)
    report = evaluate_unit(units["ky_lac"], get_set("test-province-commune"), D(2021, 9, 25))
    assert statuses(report)["10"] == "met"


def test_eligible_tiers_follow_the_ladder(units):
    ky_lac = units["ky_lac"]
    on = D(2021, 1, 1)
    enter(ky_lac, "test-commune:1.1", on, is_met=True)
    enter(ky_lac, "test-commune:2.1", on, numerator=10, denominator=10)
    certify_criterion(unit=ky_lac, criterion_key="test-commune:19", is_met=True, certified_on=on)
    enter(ky_lac, "test-commune:10", on, value=48)
    enter(ky_lac, "test-commune-advanced:10", on, value=52)
    report = evaluate_unit(ky_lac, get_set("test-commune"), D(2021, 9, 25))
    assert report["eligible_tiers"] == ["standard", "advanced"]
    assert report["ladder"] == ["test-commune@1", "test-commune-advanced@1"]
    enter(ky_lac, "test-commune:10", D(2021, 7, 1), value=30)
    report = evaluate_unit(ky_lac, get_set("test-commune-advanced"), D(2021, 9, 25))
    # Advanced criteria met, but standard is not: no tier at all.
    assert report["all_met"] is True
    assert report["eligible_tiers"] == []


def test_district_needs_every_commune_recognized_at_standard(units):
    district = units["district"]
    for n in range(1, 10):
        certify_criterion(
            unit=district,
            criterion_key=f"test-district:{n}",
            is_met=True,
            certified_on=D(2021, 1, 1),
        )
    for commune in (units["ky_lac"], units["ky_tay"]):
        record_recognition(
            unit=commune,
            tier="standard",
            decision_number=f"1/{commune.code}",
            decision_date=D(2020, 12, 1),
        )
    report = evaluate_unit(district, get_set("test-district"), D(2021, 1, 20))
    share = report["conditions"][0]
    assert (share["value"], share["status"]) == (pytest.approx(66.666667), "not_met")
    assert (report["met"], report["total"], report["eligible_tiers"]) == (9, 9, [])
    record_recognition(
        unit=units["lam_hop"], tier="advanced", decision_number="2/LH", decision_date=D(2021, 1, 15)
    )
    report = evaluate_unit(district, get_set("test-district"), D(2021, 1, 20))
    assert report["conditions"][0]["value"] == 100.0
    assert report["eligible_tiers"] == ["standard"]


def test_share_of_communes_at_standard_leaves_out_the_townships(units):
    district = units["district"]
    AdminUnit.objects.create(
        code="18700", name="Thị trấn Kỳ Đồng", short_name="Kỳ Đồng", kind="township",
        level="commune", parent=district, source="user",
    )  # fmt: skip
    for commune in (units["ky_lac"], units["ky_tay"], units["lam_hop"]):
        record_recognition(
            unit=commune, tier="standard", decision_number=f"1/{commune.code}",
            decision_date=D(2020, 12, 1),
        )  # fmt: skip
    report = evaluate_unit(district, get_set("test-district"), D(2021, 1, 20))
    assert report["conditions"][0]["value"] == 100.0  # 3 of 3 xã, the thị trấn not counted


def test_revoked_recognition_no_longer_counts(units):
    recognition = record_recognition(
        unit=units["ky_lac"],
        tier="standard",
        decision_number="9/QĐ-UBND",
        decision_date=D(2020, 12, 1),
    )
    record_revocation(
        recognition=recognition, decision_number="3/QĐ-UBND", decision_date=D(2023, 5, 1)
    )
    assert (
        len(
            evaluate_unit(units["ky_lac"], get_set("test-commune"), D(2022, 1, 1))[
                "recognitions_in_force"
            ]
        )
        == 1
    )
    assert (
        evaluate_unit(units["ky_lac"], get_set("test-commune"), D(2023, 6, 1))[
            "recognitions_in_force"
        ]
        == []
    )


def test_bad_values_are_refused_and_nothing_is_stored(units):
    ky_lac = units["ky_lac"]
    cases = [
        ({"indicator_key": "test-commune:10", "value": None}, "cần một giá trị số"),
        ({"indicator_key": "test-commune:10", "value": -3.0}, "không được âm"),
        ({"indicator_key": "test-commune:1.1", "value": 1.0}, "là chỉ tiêu đánh giá"),
        (
            {"indicator_key": "test-commune:2.1", "numerator": 12, "denominator": 10},
            "tử số \\(12\\) lớn hơn mẫu số \\(10\\)",
        ),
        ({"indicator_key": "test-commune:2.1", "value": 50.0}, "là tỷ lệ: cần nhập cả hai số"),
        ({"indicator_key": "test-commune:10", "value": float("nan")}, "số hữu hạn"),
        ({"indicator_key": "test-commune:99", "value": 1.0}, "Không bộ tiêu chí nào có chỉ tiêu"),
    ]
    for fields, message in cases:
        with pytest.raises(AssessmentError, match=message):
            record_value(unit=ky_lac, observed_on=D(2021, 1, 1), **fields)
    with pytest.raises(AssessmentError, match="không tồn tại vào ngày 01/01/2021"):
        record_value(
            unit=units["new_ky_lac"],
            indicator_key="test-commune:10",
            observed_on=D(2021, 1, 1),
            value=40.0,
        )
    assert IndicatorValue.objects.count() == 0


def test_evaluating_many_units_takes_a_fixed_number_of_queries(
    units, django_assert_max_num_queries
):
    communes = AdminUnit.objects.filter(level="commune", valid_to__isnull=False)
    for unit in communes:
        enter(unit, "test-commune:10", D(2021, 1, 1), value=40.0)
    commune_set = get_set("test-commune")
    # Units, values, certifications: three queries whatever the number of units.
    with django_assert_max_num_queries(3):
        result = evaluate_units(commune_set, communes, D(2021, 9, 25))
    assert result.met.tolist() == [1, 1, 1]


def test_targets_registrations_and_sponsors_are_records(units):
    from ntm.programme.models import Registration, Sponsorship, Target
    from ntm.units.models import Department

    district, ky_lac = units["district"], units["ky_lac"]
    record_target(
        unit=district,
        tier="advanced",
        year=2023,
        child_level="commune",
        child_count=8,
        source="Kế hoạch 15/4/2022",
    )
    record_target(unit=ky_lac, tier="standard", year=2021)
    record_registration(unit=ky_lac, tier="standard", year=2021)
    record_registration(unit=ky_lac, tier="standard", year=2021, note="xác nhận lại")
    science = Department.objects.create(name="Sở Khoa học và Công nghệ", unit=units["province"])
    record_sponsorship(unit=ky_lac, sponsor=science, start_date=D(2021, 1, 1))
    assert list(Target.objects.values_list("unit__code", "tier", "year", "child_count")) == [
        ("18850", "standard", 2021, None),
        ("447", "advanced", 2023, 8),
    ]
    assert Registration.objects.get().note == "xác nhận lại"
    assert str(Sponsorship.objects.get()) == "Sở Khoa học và Công nghệ → Xã Kỳ Lạc"
    with pytest.raises(AssessmentError, match="cần có cả cấp đơn vị con và số đơn vị"):
        record_target(unit=district, tier="advanced", year=2023, child_count=8)
    with pytest.raises(AssessmentError, match="không phải là một mức đạt chuẩn"):
        record_registration(unit=ky_lac, tier="chuan", year=2021)
    assert Target.objects.count() == 2
