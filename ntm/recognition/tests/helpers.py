"""Units, a ten-criterion set, persona users and cases at each stage for the recognition tests.

Hà Tĩnh > Kỳ Anh district > Kỳ Lạc, Kỳ Tây, Lâm Hợp (before 2025); the 2025 Hà Tĩnh >
Xã Kỳ Lạc formed from Kỳ Lạc and Lâm Hợp; Thanh Hóa for an office of another province.
The set has ten judgement criteria (shares are round: 3/10 = 30 %), criterion 10 is the
key criterion of the revocation rule, and it applies from 2021 to 2030.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ntm.audit.services import Actor
from ntm.criteria.services import load_criteria_sets
from ntm.recognition import services
from ntm.testing import make_ky_anh, make_user, write_sets
from ntm.units.models import AdminUnit, ReorganizationEvent, Succession
from ntm.values.models import CriterionCertification

D = dt.date
SET_ID = "test-ten"
TEN_SET = {
    "id": SET_ID,
    "version": 1,
    "status": "published",
    "name_vi": "Bộ mười tiêu chí (thử)",
    "level": "commune",
    "tier": "standard",
    "period": {"start": 2021, "end": 2030},
    "revocation_key_criteria": ["10"],
    "criteria": [
        {
            "number": str(n),
            "name_vi": "Thu nhập" if n == 10 else f"Tiêu chí {n}",
            "indicators": [{"code": f"{n}.1", "name_vi": f"Đạt tiêu chí {n}", "kind": "judgement"}],
        }
        for n in range(1, 11)
    ],
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "tai-lieu.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def certify(unit: AdminUnit, *, failing: tuple[int, ...] = (), on: dt.date) -> None:
    """Certify the ten criteria on a date: met except the numbers in `failing`."""
    CriterionCertification.objects.bulk_create(
        CriterionCertification(
            unit=unit,
            criterion_key=f"{SET_ID}:{n}",
            is_met=n not in failing,
            certified_on=on,
        )
        for n in range(1, 11)
    )


def build_world(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Eight persona users: a slow password hash would dominate every test's set-up.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_criteria_sets(write_sets(tmp_path / "sets", TEN_SET))
    units = make_ky_anh()
    event = ReorganizationEvent.objects.create(
        kind="merge", effective_date=D(2025, 7, 1), source="user"
    )
    for old, new in (
        (units["province"], units["province_2025"]),
        (units["ky_lac"], units["new_ky_lac"]),
        (units["lam_hop"], units["new_ky_lac"]),
    ):
        Succession.objects.create(event=event, predecessor=old, successor=new)
    units["other_province"] = AdminUnit.objects.create(
        code="38", name="Tỉnh Thanh Hóa", short_name="Thanh Hóa", kind="province",
        level="province", source="user",
    )  # fmt: skip
    users = {
        "kylac": make_user("kylac", role="data_entry", unit=units["ky_lac"]),
        "kytay": make_user("kytay", role="data_entry", unit=units["ky_tay"]),
        "kyanh": make_user("kyanh", role="approver", unit=units["district"]),
        "kyanh_clerk": make_user("kyanh_clerk", role="data_entry", unit=units["district"]),
        "hatinh": make_user("hatinh", role="approver", unit=units["province"]),
        "hatinh_viewer": make_user("hatinh_viewer", role="viewer", unit=units["province"]),
        "thanhhoa": make_user("thanhhoa", role="approver", unit=units["other_province"]),
        "newkylac": make_user("newkylac", role="data_entry", unit=units["new_ky_lac"]),
    }
    return {**units, "users": users}


def actor(world, username: str) -> Actor:
    return Actor(world["users"][username], ip_address="10.0.0.1", channel="web")


def case_at(world, stage: str, *, unit_key: str = "ky_lac", year: int = 2024, ready: bool = True):
    """A case brought to a stage by the right people, with its conditions documented."""
    unit = world[unit_key]
    preparer = {"new_ky_lac": "newkylac", "ky_tay": "kytay"}.get(unit_key, "kylac")
    case = services.register_case(
        unit=unit, tier="standard", year=year, actor=actor(world, preparer),
        registered_on=D(year, 1, 15) if year < 2026 else None,
    )  # fmt: skip
    if stage == "self_assessment":
        return case
    on = D(year, 10, 1) if year < 2026 else timezone.localdate()
    certify(unit, on=on)
    case = services.complete_self_assessment(
        case=case, assessed_on=on, actor=actor(world, preparer)
    )
    if ready:
        for kind in ("satisfaction_survey", "debt_report", "security_confirmation"):
            services.add_document(
                case=case, kind=kind, upload=pdf(f"{kind}.pdf"), actor=actor(world, preparer)
            )
        services.declare_conditions(
            case=case,
            declaration=services.Declaration(
                satisfaction_percent="95.5", satisfaction_on=on,
                has_construction_debt=False, debt_declared_on=on,
                is_security_complicated=False, security_confirmed_by="Công an huyện Kỳ Anh",
                security_confirmed_on=on,
            ),
            actor=actor(world, preparer),
        )  # fmt: skip
    if stage == "dossier":
        return case
    case = services.submit_dossier(case=case, actor=actor(world, preparer))
    if stage in ("verification", "appraisal") and case.stage == stage:
        return case
    if case.stage == "verification":
        case = services.verify_case(
            case=case, verified_on=on, report_number="15/BC-UBND", actor=actor(world, "kyanh")
        )
    if stage == "appraisal":
        return case
    office = "hatinh"
    case = services.appraise_case(
        case=case, appraised_on=on, report_number="88/BC-SNN", council_name="Hội đồng thẩm định tỉnh",
        council_members=9, votes_for=8, actor=actor(world, office),
    )  # fmt: skip
    return case


def set_satisfaction(world, province_key: str = "province", value: float = 90.0) -> None:
    services.set_procedure_setting(
        province=world[province_key], key="satisfaction_min_percent", value=value,
        decision_date=D(2021, 1, 1), decision_number="12/2021/QĐ-UBND", issuer="UBND tỉnh",
        actor=actor(world, "hatinh"),
    )  # fmt: skip
