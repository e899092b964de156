"""The demo reproduces every fact of the five seed reports (loaded once: conftest.py)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ntm.accounts.models import Profile
from ntm.accounts.scope import scope_of
from ntm.cli import main
from ntm.core.criteria.engine import Status
from ntm.criteria.selectors import get_set
from ntm.dashboards.evaluation import evaluate_unit, evaluate_units
from ntm.demo.loader import load_demo
from ntm.demo.synthetic import SOURCE
from ntm.programme.models import Registration, Sponsorship, Target
from ntm.recognition.models import Recognition
from ntm.reports.models import ReportedFigure
from ntm.units.models import AdminUnit, Succession
from ntm.units.selectors import find_unit, in_force_on
from ntm.values.models import CriterionCertification

pytestmark = pytest.mark.django_db


def unit(code: str, on: date, level: str = "commune") -> AdminUnit:
    return AdminUnit.objects.get(pk=find_unit(code, on=on, level=level).id)


def evaluation(code: str, set_id: str, on: date, level: str = "commune"):
    return evaluate_unit(unit(code, on, level), get_set(set_id), on)


def unmet(report) -> set[str]:
    return {c["number"] for c in report["criteria"] if c["status"] == "not_met"}


def test_ky_lac_12_and_ky_tay_9_of_20_with_the_hard_criteria_unmet():
    ky_lac = evaluation("18850", "hatinh-commune-ntm", date(2021, 9, 25))
    ky_tay = evaluation("18793", "hatinh-commune-ntm", date(2021, 9, 25))
    assert (ky_lac["met"], ky_lac["total"]) == (12, 20)
    assert (ky_tay["met"], ky_tay["total"]) == (9, 20)
    for report in (ky_lac, ky_tay):
        assert {"2", "10", "17"} <= unmet(report)  # transport, income, environment
    both = Target.objects.filter(year=2021, tier="standard", unit__code__in=["18850", "18793"])
    assert both.count() == 2


def test_ky_lac_is_sponsored_by_the_department_of_science_and_technology():
    sponsorship = Sponsorship.objects.get(unit=unit("18850", date(2021, 9, 25)))
    assert sponsorship.sponsor.name == "Sở Khoa học và Công nghệ Hà Tĩnh"


def test_cli_prints_12_of_20_for_ky_lac(capsys):
    status = main(
        ["evaluate", "--unit", "18850", "--set", "hatinh-commune-ntm", "--as-of", "2021-09-25",
         "--json"]
    )  # fmt: skip
    assert status == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["met"], printed["total"]) == (12, 20)


def test_huong_son_meets_exactly_the_six_named_district_criteria():
    report = evaluation("439", "district-ntm-2016-2020", date(2021, 1, 20), level="district")
    assert (report["met"], report["total"]) == (6, 9)
    met = {c["name"] for c in report["criteria"] if c["status"] == "met"}
    assert met == {
        "Quy hoạch", "Thủy lợi", "Điện", "Sản xuất", "An ninh, trật tự xã hội",
        "Chỉ đạo xây dựng nông thôn mới",
    }  # fmt: skip
    assert unmet(report) == {"2", "5", "7"}  # transport, health-culture-education, environment


def test_huong_son_had_23_communes_all_at_standard_and_son_kim_2_advanced():
    day = date(2021, 1, 20)
    district = unit("439", day, "district")
    communes = district.children.filter(in_force_on(day), kind="commune")
    assert communes.count() == 23  # the package lists 22: three merges of 2025-01-01
    standard = Recognition.objects.filter(
        unit__in=communes, tier="standard", decision_date__lte=day
    )
    assert standard.values("unit").distinct().count() == 23
    advanced = Recognition.objects.get(unit__in=communes, tier="advanced")
    assert advanced.unit.short_name == "Sơn Kim 2"
    today = district.children.filter(in_force_on(date(2025, 3, 1)), kind="commune")
    assert today.count() == 20
    reported = ReportedFigure.objects.get(unit=district, metric="communes_total")
    assert reported.value == 23 and "004" in reported.source


def test_ky_anh_targets_and_fields_of_excellence():
    ky_anh = unit("447", date(2022, 4, 15), "district")
    aggregate = {
        (t.tier, t.year): (t.child_count, t.child_count_max)
        for t in Target.objects.filter(unit=ky_anh, child_level="commune")
    }
    assert aggregate == {("advanced", 2022): (4, None), ("advanced", 2023): (8, None),
                         ("model", 2023): (1, 2)}  # fmt: skip
    assert Target.objects.filter(unit=ky_anh, tier="standard", year=2023).exists()
    fields = dict(
        Target.objects.filter(tier="model", year=2023).exclude(fields_of_excellence="")
        .values_list("unit__short_name", "fields_of_excellence")
    )  # fmt: skip
    assert fields["Kỳ Châu"] == "Chuyển đổi số, xã thông minh"
    assert "du lịch ven biển" in fields["Kỳ Phú"]
    assert fields["Kỳ Giang"] == "Sản xuất, Cảnh quan môi trường"
    # A model commune is an advanced one: the demo makes these three advanced in 2022.
    for name in fields:
        tiers = set(
            Recognition.objects.filter(
                unit__parent=ky_anh, unit__short_name=name, decision_date__lte=date(2022, 12, 31)
            ).values_list("tier", flat=True)
        )
        assert tiers == {"standard", "advanced"}, name


def test_22_model_village_registrations_in_dong_son_of_2020():
    registrations = Registration.objects.filter(tier="model", year=2020).select_related(
        "unit__parent__parent"
    )
    assert registrations.count() == 22
    assert {r.unit.parent.parent.name for r in registrations} == {"Huyện Đông Sơn"}
    by_status = {}
    for r in registrations:
        by_status.setdefault(r.status, []).append(r.unit.parent.short_name)
    assert len(by_status["recognized"]) == 1 and len(by_status["appraised"]) == 4
    assert len(by_status["in_progress"]) == 17
    named = sorted(by_status["recognized"] + by_status["appraised"])
    assert named == ["Đông Văn"] * 4 + ["Đông Yên"]


def test_dong_son_district_of_2020_leads_to_thanh_hoa_city():
    dong_van_2020 = unit("16417", date(2020, 8, 5))
    assert dong_van_2020.parent.name == "Huyện Đông Sơn"
    later = Succession.objects.get(predecessor=dong_van_2020).successor
    assert later.parent.name == "Thành phố Thanh Hóa"
    district = dong_van_2020.parent
    assert Succession.objects.get(predecessor=district).successor.name == "Thành phố Thanh Hóa"


def test_loc_ha_district_existed_until_it_merged_into_thach_ha():
    loc_ha = AdminUnit.objects.get(name="Huyện Lộc Hà", level="district")
    assert loc_ha.valid_to == date(2025, 1, 1)
    assert Succession.objects.get(predecessor=loc_ha).successor.name == "Huyện Thạch Hà"
    assert loc_ha.children.filter(kind="commune").count() >= 10


def test_province_figures_of_report_003():
    figures = {f.metric: f for f in ReportedFigure.objects.filter(reported_on=date(2020, 2, 25))}
    assert figures["income_support_people"].value == 6801
    assert figures["income_support_amount"].value == pytest.approx(7.942)
    assert figures["model_district_scheme_cost"].value == 3843
    assert figures["model_district_scheme_cost"].unit.name == "Huyện Nghi Xuân"
    assert figures["ocop_districts_guided"].value == 8
    assert "300" in figures["model_residential_area_registrations"].value_text
    assert "30/6/2020" in figures["province_scheme_due"].value_text


def test_report_001_outputs():
    figures = dict(
        ReportedFigure.objects.filter(reported_on=date(2020, 8, 5)).values_list("metric", "value")
    )
    assert figures["road_km_widened"] == 15.5 and figures["drainage_km"] == 7.7
    assert figures["open_fences"] == 22 and figures["model_gardens"] == 18


def test_the_2025_ky_lac_is_assessed_under_the_2026_2030_set_with_history():
    new_ky_lac = unit("18838", date(2026, 6, 30))
    predecessors = {s.predecessor.name for s in Succession.objects.filter(successor=new_ky_lac)}
    assert predecessors == {"Xã Kỳ Lạc", "Xã Lâm Hợp"}
    assert (
        CriterionCertification.objects.filter(
            unit=new_ky_lac, criterion_key__startswith="commune-ntm-2026-2030:"
        ).count()
        == 10
    )
    report = evaluate_unit(new_ky_lac, get_set("commune-ntm-2026-2030"), date(2026, 6, 30))
    assert report["total"] == 10 and all(c["status"] != "missing" for c in report["criteria"])


def test_synthetic_data_is_labelled_and_reproducible():
    assert Recognition.objects.filter(source=SOURCE).count() > 5000
    assert CriterionCertification.objects.filter(source__startswith="demo").count() > 100000
    # Seed-report units keep what the reports say, untouched by the synthetic pass.
    assert not CriterionCertification.objects.filter(unit__code="18850", source=SOURCE).exists()


def test_communes_merged_in_early_2025_inherit_what_all_their_predecessors_met():
    day = date(2025, 6, 30)
    district = unit("439", day, "district")
    communes = list(district.children.filter(in_force_on(day), kind="commune").order_by("id"))
    assert len(communes) == 20
    evaluation = evaluate_units(get_set("commune-ntm-2021-2025"), communes, day)
    assert not (evaluation.criterion_status == Status.MISSING).any()  # no gap left
    ham_truong = district.children.get(short_name="Hàm Trường")
    assert ham_truong.valid_from == date(2025, 1, 1)
    predecessors = [s.predecessor for s in Succession.objects.filter(successor=ham_truong)]
    assert {p.short_name for p in predecessors} == {"Sơn Hàm", "Sơn Trường"}
    certified = CriterionCertification.objects.filter(
        unit=ham_truong, criterion_key__startswith="commune-ntm-2021-2025:"
    )
    assert certified.count() == 19
    assert {(c.certified_on, c.source[:4]) for c in certified} == {(date(2025, 1, 1), "demo")}
    before = CriterionCertification.objects.filter(
        unit__in=predecessors, certified_on=date(2024, 12, 31)
    )
    all_met = {
        key
        for key in {c.criterion_key for c in before}
        if all(c.is_met for c in before if c.criterion_key == key)
    }
    assert {c.criterion_key for c in certified if c.is_met} == all_met
    # The predecessors were both at standard (report 004): so is the merged commune.
    recognition = Recognition.objects.get(unit=ham_truong)
    assert (recognition.tier, recognition.decision_date) == ("standard", date(2025, 1, 1))
    assert recognition.source.startswith("demo")


def test_accounts_and_their_scopes(demo):
    roles = {a["username"]: a["role"] for a in demo.accounts}
    assert roles["hatinh"] == "approver" and roles["kylac"] == "data_entry"
    ky_lac_user = Profile.objects.get(user__username="kylac").user
    scope = scope_of(ky_lac_user)
    assert scope.allows(unit("18850", date(2021, 9, 25)))
    assert scope.allows(unit("18838", date(2026, 1, 1)))  # the 2025 successor
    assert not scope.allows(unit("18793", date(2021, 9, 25)))  # Kỳ Tây
    assert not scope.allows(unit("18838", date(2021, 1, 1)))  # Lâm Hợp, merged alongside


def test_a_second_run_changes_nothing():
    before = (Recognition.objects.count(), CriterionCertification.objects.count(),
              AdminUnit.objects.count())  # fmt: skip
    report = load_demo()
    assert not report.loaded
    after = (Recognition.objects.count(), CriterionCertification.objects.count(),
             AdminUnit.objects.count())  # fmt: skip
    assert before == after
