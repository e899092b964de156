"""The facts of the five seed reports, as data.

Each record carries the report it comes from in `source`. Where a report states a count
but not the detail a record needs (which 8 of Kỳ Lạc's 20 criteria were unmet beyond
income, environment and transport; the number of a recognition decision), the detail is
demo data: its `source` starts with "demo" and its note says what the report does and
does not say, so pages can label it.
"""

from __future__ import annotations

from datetime import date

from ntm.criteria.selectors import get_set
from ntm.demo import writes
from ntm.programme.models import RegistrationStatusChoices
from ntm.programme.services import record_registration, record_sponsorship, record_target
from ntm.recognition.services import record_recognition
from ntm.reports.services import record_figure
from ntm.units import services as units
from ntm.units.models import AdminUnit, Department
from ntm.units.selectors import find_unit
from ntm.values.services import certify_criterion, record_value

SRC_000 = "Báo cáo 000 — Huyện ủy Kỳ Anh làm việc với xã Kỳ Tây, Kỳ Lạc (25/9/2021)"
SRC_001 = "Báo cáo 001 — Giao ban thôn NTM, xã NTM kiểu mẫu 6 tháng đầu năm 2020 (5/8/2020)"
SRC_002 = "Báo cáo 002 — Khung kế hoạch huyện Kỳ Anh đạt chuẩn NTM năm 2023 (15/4/2022)"
SRC_003 = "Báo cáo 003 — Ban Chỉ đạo các CTMTQG tỉnh Hà Tĩnh (25/2/2020)"
SRC_004 = "Báo cáo 004 — Hương Sơn phấn đấu đạt chuẩn huyện NTM quý II/2021 (20/1/2021)"
DEMO = "demo"

DAY_000 = date(2021, 9, 25)
DAY_001 = date(2020, 8, 5)
DAY_002 = date(2022, 4, 15)
DAY_003 = date(2020, 2, 25)
DAY_004 = date(2021, 1, 20)

HATINH_SET = "hatinh-commune-ntm"
DISTRICT_SET = "district-ntm-2016-2020"

# Report 000 names income (10), environment (17) and transport (2) among the hard
# criteria; the other unmet criteria are not named, so they are demo choices.
KY_LAC_UNMET = ("2", "6", "10", "12", "13", "15", "17", "20")  # 12/20 met
KY_TAY_UNMET = ("2", "5", "6", "7", "10", "11", "12", "13", "15", "17", "20")  # 9/20 met
NAMED_HARD = ("2", "10", "17")

# Report 004: the district meets 6 of its 9 criteria, each named.
HUONG_SON_MET = ("1", "3", "4", "6", "8", "9")


def unit_on(code: str, on: date, level: str) -> AdminUnit:
    return AdminUnit.objects.get(pk=find_unit(code, on=on, level=level).id)


def child_named(parent: AdminUnit, short_name: str, on: date) -> AdminUnit:
    from ntm.units.selectors import in_force_on

    return parent.children.filter(in_force_on(on)).get(short_name=short_name)


def _criterion_keys(set_id: str) -> dict[str, str]:
    definition = get_set(set_id).to_domain()
    return {c.number: c.key for c in definition.criteria}


def _certify_all(
    unit: AdminUnit,
    set_id: str,
    unmet: tuple[str, ...],
    on: date,
    *,
    source: str,
    note: str,
    named: tuple[str, ...] = (),
    department: Department | None = None,
) -> None:
    for number, key in _criterion_keys(set_id).items():
        reported = number in named or not named
        certify_criterion(
            unit=unit,
            criterion_key=key,
            is_met=number not in unmet,
            certified_on=on,
            department=department,
            source=source if reported else f"{DEMO}: {source}",
            note=note if reported else f"{note} Tiêu chí cụ thể là giả định demo.",
        )


def _figure(unit, metric, label, on, source, *, value=None, text="", uom="", period="", note=""):
    record_figure(
        unit=unit,
        metric=metric,
        label=label,
        value=value,
        value_text=text,
        unit_of_measure=uom,
        reported_on=on,
        period=period,
        source=source,
        note=note,
        actor=writes.ACTOR,
    )


def departments(province: AdminUnit, actor) -> dict[str, Department]:
    """The Hà Tĩnh departments the reports name, plus the coordination office, made (where
    ``departments.load_departments`` has not made them with their sector) through the
    departments service as `actor`. The coordination office covers no one sector."""
    from ntm.approvals.responsibility import create_department

    rows = {
        "khcn": ("Sở Khoa học và Công nghệ Hà Tĩnh", "Sở KH&CN", "science"),
        "gtvt": ("Sở Giao thông Vận tải Hà Tĩnh", "Sở GTVT", "transport"),
        "ldtbxh": ("Sở Lao động - Thương binh và Xã hội Hà Tĩnh", "Sở LĐTB&XH", "labour"),
        "vpdp": ("Văn phòng Điều phối NTM tỉnh Hà Tĩnh", "VPĐP NTM", ""),
    }
    found = {}
    for key, (name, short, sector) in rows.items():
        found[key] = Department.objects.filter(unit=province, name=name).first()
        if found[key] is None:
            found[key] = create_department(
                office=province, name=name, short_name=short, sector=sector, actor=actor
            )
    return found


def load_report_000(depts: dict[str, Department]) -> dict[str, AdminUnit]:
    """Kỳ Lạc 12/20 and Kỳ Tây 9/20 on 25/9/2021, both targeting 2021; Kỳ Lạc's sponsor."""
    ky_lac = unit_on("18850", DAY_000, "commune")
    ky_tay = unit_on("18793", DAY_000, "commune")
    note = "Báo cáo nêu tiêu chí khó: thu nhập, môi trường, giao thông."
    _certify_all(ky_lac, HATINH_SET, KY_LAC_UNMET, DAY_000, source=SRC_000, note=note,
                 named=NAMED_HARD)  # fmt: skip
    _certify_all(ky_tay, HATINH_SET, KY_TAY_UNMET, DAY_000, source=SRC_000, note=note,
                 named=NAMED_HARD)  # fmt: skip
    # The state a year earlier and illustrative incomes: demo, not in the report.
    _certify_all(ky_lac, HATINH_SET, (*KY_LAC_UNMET, "8", "19"), date(2020, 12, 31),
                 source=f"{DEMO}: rà soát cuối năm 2020", note="Số liệu minh họa.")  # fmt: skip
    _certify_all(ky_tay, HATINH_SET, (*KY_TAY_UNMET, "9"), date(2020, 12, 31),
                 source=f"{DEMO}: rà soát cuối năm 2020", note="Số liệu minh họa.")  # fmt: skip
    for unit, income in ((ky_lac, 31.5), (ky_tay, 29.8)):
        record_value(
            unit=unit,
            indicator_key="commune-ntm-2016-2020:10",
            observed_on=date(2021, 6, 30),
            value=income,
            source=f"{DEMO}: thu nhập bình quân minh họa",
            note="Báo cáo 000 không nêu số thu nhập; giá trị minh họa.",
        )
    for unit in (ky_lac, ky_tay):
        record_target(unit=unit, tier="standard", year=2021, source=SRC_000,
                              note="Phấn đấu hoàn thành 20/20 tiêu chí trong năm 2021.")  # fmt: skip
    record_sponsorship(
        unit=ky_lac, sponsor=depts["khcn"], source=SRC_000,
        note="Hỗ trợ chuyển giao kỹ thuật nuôi ong lấy mật, mô hình trồng ổi.",
    )  # fmt: skip
    _figure(ky_lac, "criteria_met", "Số tiêu chí đạt", DAY_000, SRC_000, value=12, text="12/20")
    _figure(ky_tay, "criteria_met", "Số tiêu chí đạt", DAY_000, SRC_000, value=9, text="9/20")
    return {"ky_lac": ky_lac, "ky_tay": ky_tay}


def load_report_001() -> dict[str, AdminUnit]:
    """The Đông Sơn district of 2020: outputs and 22 model-village registrations."""
    district = AdminUnit.objects.get(name="Huyện Đông Sơn", level="district", source="user")
    dong_van = child_named(district, "Đông Văn", DAY_001)
    dong_yen = child_named(district, "Đông Yên", DAY_001)
    others = [
        c
        for c in district.children.filter(kind="commune").order_by("name")
        if c.pk not in (dong_van.pk, dong_yen.pk)
    ]
    # 1 recognized + 4 appraised = the 5 villages named by commune (4 Đông Văn, 1 Đông Yên);
    # the 17 others are spread over the district's other communes (demo assumption).
    plan = [(dong_van, RegistrationStatusChoices.RECOGNIZED)]
    plan += [(dong_van, RegistrationStatusChoices.APPRAISED)] * 3
    plan += [(dong_yen, RegistrationStatusChoices.APPRAISED)]
    plan += [(others[i % len(others)], RegistrationStatusChoices.IN_PROGRESS) for i in range(17)]
    counters: dict[int, int] = {}
    for commune, status in plan:
        counters[commune.pk] = counters.get(commune.pk, 0) + 1
        village = units.create_village(
            parent=commune,
            name=f"Thôn đăng ký kiểu mẫu số {counters[commune.pk]} ({commune.short_name})",
            kind="village",
            valid_from=date(2019, 1, 1),  # registered for 2019-2020; earlier history unknown
        )
        named = commune.pk in (dong_van.pk, dong_yen.pk)
        record_registration(
            unit=village,
            tier="model",
            year=2020,
            status=status,
            status_on=DAY_001,
            source=SRC_001 if named else f"{DEMO}: {SRC_001}",
            note=(
                "Báo cáo không nêu tên thôn; đăng ký hoàn thành thôn NTM kiểu mẫu năm 2019–2020."
                + ("" if named else " Xã của thôn là giả định demo.")
            ),
        )
    period = "6 tháng đầu năm 2020"
    for metric, label, value, uom in (
        ("road_km_widened", "Mở rộng đường giao thông nông thôn", 15.5, "km"),
        ("drainage_km", "Rãnh thoát nước", 7.7, "km"),
        ("open_fences", "Tường rào thoáng xây mới", 22, "tường rào"),
        ("model_gardens", "Vườn mẫu thực hiện mới", 18, "vườn"),
        ("model_village_registrations", "Thôn đăng ký thôn NTM kiểu mẫu 2019–2020", 22, "thôn"),
        ("model_villages_recognized", "Thôn đã được công nhận đạt chuẩn", 1, "thôn"),
        (
            "model_villages_appraised",
            "Thôn đã thẩm định, trình công nhận (14/14 tiêu chí)",
            4,
            "thôn",
        ),
        ("model_villages_in_progress", "Thôn đang tiếp tục thực hiện", 17, "thôn"),
    ):
        _figure(district, metric, label, DAY_001, SRC_001, value=value, uom=uom, period=period)
    return {"dong_son": district, "dong_van": dong_van, "dong_yen": dong_yen}


def load_report_002() -> dict[str, AdminUnit]:
    """Kỳ Anh's plan: 4 advanced communes in 2022, 8 by 2023, 1–2 model, district in 2023."""
    district = unit_on("447", DAY_002, "district")
    common = {"source": SRC_002}
    record_target(unit=district, tier="standard", year=2023, **common,
                          note="Huyện đạt chuẩn NTM năm 2023 (Quyết định 318/QĐ-TTg).")  # fmt: skip
    record_target(unit=district, tier="advanced", year=2022, child_level="commune",
                          child_count=4, **common)  # fmt: skip
    record_target(unit=district, tier="advanced", year=2023, child_level="commune",
                          child_count=8, **common)  # fmt: skip
    record_target(unit=district, tier="model", year=2023, child_level="commune",
                          child_count=1, child_count_max=2, **common)  # fmt: skip
    fields = {
        "Kỳ Châu": "Chuyển đổi số, xã thông minh",
        "Kỳ Phú": "Sản xuất, Cảnh quan môi trường, Văn minh nông thôn, dịch vụ du lịch ven biển",
        "Kỳ Giang": "Sản xuất, Cảnh quan môi trường",
    }
    found = {"ky_anh": district}
    for name, excellence in fields.items():
        commune = child_named(district, name, DAY_002)
        record_target(unit=commune, tier="model", year=2023,
                              fields_of_excellence=excellence, **common)  # fmt: skip
        found[name] = commune
    return found


def load_report_003(province: AdminUnit) -> None:
    """Province-level figures of the Hà Tĩnh steering committee, 25/2/2020."""
    nghi_xuan = unit_on("442", DAY_003, "district")
    rows = [
        (province, "model_residential_area_registrations",
         "Thôn đăng ký xây dựng khu dân cư NTM kiểu mẫu", 300, "trên 300 thôn", "thôn"),
        (province, "ocop_districts_guided",
         "Huyện, thành phố đã hướng dẫn đăng ký ý tưởng OCOP 2020", 8, "", "huyện, thành phố"),
        (province, "income_support_people", "Người được hỗ trợ thu nhập (giảm nghèo)", 6801, "",
         "người"),
        (province, "income_support_amount", "Tổng tiền hỗ trợ thu nhập", 7.942, "", "tỷ đồng"),
        (province, "tet_gifts", "Suất quà Tết cho đối tượng chính sách, hộ nghèo", 319107,
         "", "suất"),
        (province, "tet_gifts_amount", "Tổng giá trị quà Tết", 120, "", "tỷ đồng"),
        (province, "province_scheme_due", "Đề án tỉnh đạt chuẩn NTM 2021–2025", None,
         "trình Thủ tướng phê duyệt trước 30/6/2020", ""),
        (province, "cement_supply", "Xi măng làm giao thông nông thôn", None,
         "khẩn trương cung cấp cho các địa phương", ""),
        (nghi_xuan, "model_district_scheme_cost",
         "Nhu cầu nguồn lực Đề án huyện Nghi Xuân đạt chuẩn NTM kiểu mẫu 2020–2025", 3843, "",
         "tỷ đồng"),
    ]  # fmt: skip
    for unit, metric, label, value, text, uom in rows:
        _figure(unit, metric, label, DAY_003, SRC_003, value=value, text=text, uom=uom,
                period="tháng 2/2020")  # fmt: skip


def load_report_004() -> dict[str, AdminUnit]:
    """Hương Sơn: 23/23 communes at standard, Sơn Kim 2 advanced, 6 of 9 district criteria."""
    from ntm.units.selectors import in_force_on

    district = unit_on("439", DAY_004, "district")
    communes = list(district.children.filter(in_force_on(DAY_004), kind="commune").order_by("name"))
    hatinh_set = get_set(HATINH_SET)
    for index, commune in enumerate(communes):
        # The report gives the count, not the decisions: numbers and dates are demo data.
        record_recognition(
            unit=commune,
            tier="standard",
            decision_number=f"DEMO-HS{index + 1:02d}/QĐ-UBND",
            decision_date=date(2015 + index % 6, 12, 20),
            issuer="UBND tỉnh Hà Tĩnh",
            criteria_set=hatinh_set,
            source=f"{DEMO}: {SRC_004}",
            note="Báo cáo: 23/23 xã đạt chuẩn NTM. Số và ngày quyết định là dữ liệu demo.",
        )
    son_kim_2 = child_named(district, "Sơn Kim 2", DAY_004)
    record_recognition(
        unit=son_kim_2,
        tier="advanced",
        decision_number="DEMO-HS-NC01/QĐ-UBND",
        decision_date=date(2020, 12, 28),
        issuer="UBND tỉnh Hà Tĩnh",
        source=f"{DEMO}: {SRC_004}",
        note="Báo cáo: 1 xã đạt chuẩn NTM nâng cao (Sơn Kim 2). Số và ngày quyết định là demo.",
    )
    keys = _criterion_keys(DISTRICT_SET)
    for number, key in keys.items():
        certify_criterion(
            unit=district,
            criterion_key=key,
            is_met=number in HUONG_SON_MET,
            certified_on=DAY_004,
            source=SRC_004,
            note="Huyện cơ bản đạt chuẩn 6/9 tiêu chí (báo cáo làm việc với UBND tỉnh).",
        )
    record_target(unit=district, tier="standard", year=2021, source=SRC_004,
                          note="Phấn đấu đạt chuẩn huyện NTM trong quý II/2021.")  # fmt: skip
    for metric, label, value, text in (
        ("communes_total", "Số xã trên địa bàn", 23, ""),
        ("communes_standard", "Số xã đạt chuẩn NTM", 23, "23/23"),
        ("communes_advanced", "Số xã đạt chuẩn NTM nâng cao", 1, "Sơn Kim 2"),
        ("district_criteria_met", "Tiêu chí huyện đạt", 6, "6/9"),
    ):
        _figure(district, metric, label, DAY_004, SRC_004, value=value, text=text)
    return {"huong_son": district, "son_kim_2": son_kim_2}
