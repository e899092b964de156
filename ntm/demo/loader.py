"""`ntm demo`: the five seed reports retold as data, on all real units, with demo accounts."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from ntm.accounts.models import Profile, RoleChoices
from ntm.accounts.permissions import WriteDenied
from ntm.accounts.services import UserAdminError, UserData, provision_account
from ntm.audit.services import Actor
from ntm.criteria.selectors import get_set
from ntm.demo import seeds, writes
from ntm.demo.approvals import load_approval_demo
from ntm.demo.departments import load_departments
from ntm.demo.history import load_history
from ntm.demo.recognition import load_recognition_demo
from ntm.demo.synthetic import (
    INCOME_2016,
    INCOME_THRESHOLD_BTB_2020,
    SOURCE,
    load_synthetic,
)
from ntm.demo.trends import load_trends
from ntm.recognition.models import Recognition
from ntm.units.models import AdminUnit, Department
from ntm.units.selectors import in_force_on
from ntm.values.bulk import CellInput
from ntm.values.bulk_records import CertificationRow, RecognitionRow
from ntm.values.models import CriterionCertification, IndicatorValue

# Shown on the console and the login page of a demo only; never used outside `ntm demo`.
DEMO_PASSWORD = "ntm-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    unit_code: str
    unit_level: str
    unit_on: date | None
    label: str
    department: str | None = None
    superuser: bool = False


ACCOUNTS = (
    DemoAccount("admin", RoleChoices.ADMINISTRATOR, "", "", None, "Quản trị hệ thống",
                superuser=True),
    DemoAccount("hatinh", RoleChoices.APPROVER, "42", "province", date(2021, 1, 1),
                "Văn phòng Điều phối NTM tỉnh Hà Tĩnh"),
    DemoAccount("sogtvt", RoleChoices.VERIFIER, "42", "province", date(2021, 1, 1),
                "Sở Giao thông Vận tải Hà Tĩnh", department="gtvt"),
    DemoAccount("kyanh", RoleChoices.APPROVER, "447", "district", date(2021, 1, 1),
                "Văn phòng NTM huyện Kỳ Anh"),
    DemoAccount("kylac", RoleChoices.DATA_ENTRY, "18850", "commune", date(2021, 1, 1),
                "Cán bộ xã Kỳ Lạc"),
    DemoAccount("kytay", RoleChoices.DATA_ENTRY, "18793", "commune", date(2021, 1, 1),
                "Cán bộ xã Kỳ Tây"),
    DemoAccount("thanhhoa", RoleChoices.APPROVER, "38", "province", date(2021, 1, 1),
                "Văn phòng Điều phối NTM tỉnh Thanh Hóa"),
)  # fmt: skip


@dataclass
class DemoReport:
    loaded: bool
    seconds: float = 0.0
    history_events: int = 0
    synthetic: dict[str, int] = field(default_factory=dict)
    accounts: list[dict[str, Any]] = field(default_factory=list)


def is_loaded() -> bool:
    return Profile.objects.filter(is_demo=True).exists()


def _unit(account: DemoAccount) -> AdminUnit | None:
    if not account.unit_code:
        return None
    return seeds.unit_on(account.unit_code, account.unit_on, account.unit_level)


def _account(account: DemoAccount, depts: dict[str, Department]) -> AbstractBaseUser:
    """A demo account through the accounts services, as the system: created (or brought
    back to the demo's) with its role, unit and department under the membership rules,
    its password, superuser flag and demo mark, each change with its audit entry."""
    data = UserData(
        full_name=account.label,
        email="",
        unit=_unit(account),
        role=account.role,
        department=depts[account.department] if account.department else None,
    )
    try:
        return provision_account(
            actor=writes.ACTOR, username=account.username, data=data, password=DEMO_PASSWORD,
            superuser=account.superuser, is_demo=True, reason=writes.REASON,
        )  # fmt: skip
    except (UserAdminError, WriteDenied) as refused:
        raise writes.DemoDataRefused(f"account {account.username}: {refused}") from refused


def _demo_office() -> Actor:
    """The demo's national administrator (set up first), who sets up the departments."""
    return Actor(user=_account(ACCOUNTS[0], {}), channel="system")


def _accounts(depts: dict[str, Department]) -> list[dict[str, Any]]:
    listed = []
    for account in ACCOUNTS:
        _account(account, depts)
        unit = _unit(account)
        listed.append(
            {
                "username": account.username,
                "password": DEMO_PASSWORD,
                "role": account.role,
                "unit": unit.name if unit else "Toàn quốc",
                "unit_code": account.unit_code or None,
                "label": account.label,
            }
        )
    return listed


def _at_standard_by_2020(communes: list[AdminUnit]) -> None:
    """A demo recognition of 2020 for communes the synthetic draw left below standard, with
    their synthetic criteria and income corrected to agree with it (through the services:
    the synthetic rows stay in history, superseded)."""
    if not communes:
        return
    writes.recognitions(
        [
            RecognitionRow(
                unit_id=commune.pk,
                tier="standard",
                criteria_set_id=get_set("hatinh-commune-ntm").pk,
                decision_number=f"DEMO-{commune.pk}/QĐ-UBND",
                decision_date=date(2020, 12, 15),
                issuer="UBND tỉnh Hà Tĩnh (demo)",
                source=SOURCE,
                note="Dữ liệu demo: xã được báo cáo 002 chọn phấn đấu kiểu mẫu năm 2023.",
            )
            for commune in communes
        ]
    )
    unmet = CriterionCertification.objects.filter(
        unit__in=communes, source=SOURCE, is_current=True, is_met=False
    ).order_by("pk")
    writes.certifications(
        [
            CertificationRow(c.unit_id, c.criterion_key, True, c.certified_on, source=SOURCE,
                             note=c.note)
            for c in unmet
        ]
    )  # fmt: skip
    incomes = IndicatorValue.objects.filter(
        unit__in=communes, source=SOURCE, indicator_key=INCOME_2016, is_current=True
    ).order_by("pk")
    writes.values(
        [
            CellInput(unit_id=v.unit_id, indicator_key=v.indicator_key, observed_on=v.observed_on,
                      value=INCOME_THRESHOLD_BTB_2020 + 4.5, source=SOURCE, note=v.note)
            for v in incomes
        ]
    )  # fmt: skip


def ky_anh_communes(ky_anh: AdminUnit, skip: set[int]) -> list[AdminUnit]:
    """Kỳ Anh's communes of 2022 (but the seed communes): the demo decides their advanced
    and model tiers here, so the synthetic draw gives them none."""
    return list(
        ky_anh.children.filter(in_force_on(date(2022, 1, 1)), kind="commune")
        .exclude(pk__in=skip)
        .order_by("name")
    )


def _ky_anh_advanced(communes: list[AdminUnit], model_targets: list[AdminUnit]) -> None:
    """Report 002 plans 4 advanced communes in 2022 and 8 by 2023; the demo reaches 3 and 6.

    The communes it names for the model tier in 2023 (Kỳ Châu, Kỳ Phú, Kỳ Giang) come
    first: a model commune is an advanced one, so the demo makes them advanced in 2022.
    """
    standard = {
        r.unit_id
        for r in Recognition.objects.filter(
            unit__in=communes, tier="standard", decision_date__lte=date(2021, 12, 31)
        )
    }
    _at_standard_by_2020([c for c in model_targets if c.pk not in standard])
    standard |= {c.pk for c in model_targets}
    firsts = {c.pk for c in model_targets}
    ordered = sorted(communes, key=lambda c: (c.pk not in firsts, c.name))
    chosen = [c for c in ordered if c.pk in standard][:6]
    writes.recognitions(
        [
            RecognitionRow(
                unit_id=commune.pk,
                tier="advanced",
                decision_number=f"DEMO-NC-{commune.pk}/QĐ-UBND",
                decision_date=date(2022 if index < 3 else 2023, 12, 10),
                issuer="UBND tỉnh Hà Tĩnh (demo)",
                source=SOURCE,
                note="Dữ liệu demo để so sánh với mục tiêu của báo cáo 002.",
            )
            for index, commune in enumerate(chosen)
        ]
    )


@transaction.atomic
def load_demo() -> DemoReport:
    """Load everything once; a second run only refreshes the accounts."""
    started = time.perf_counter()
    history = load_history()
    loaded = is_loaded()
    office = _demo_office()
    load_departments(office)
    if loaded:
        depts = seeds.departments(seeds.unit_on("42", date(2021, 1, 1), "province"), office)
        return DemoReport(
            loaded=False,
            history_events=history.events,
            accounts=_accounts(depts),
            seconds=round(time.perf_counter() - started, 1),
        )
    province = seeds.unit_on("42", seeds.DAY_003, "province")
    depts = seeds.departments(province, office)
    found = seeds.load_report_000(depts)
    found |= seeds.load_report_001()
    found |= seeds.load_report_002()
    seeds.load_report_003(province)
    found |= seeds.load_report_004()
    huong_son_communes = set(
        found["huong_son"]
        .children.filter(in_force_on(seeds.DAY_004), kind="commune")
        .values_list("id", flat=True)
    )
    skip = {found["ky_lac"].pk, found["ky_tay"].pk}
    ky_anh = ky_anh_communes(found["ky_anh"], skip)
    synthetic = load_synthetic(
        skip_unit_ids=skip,
        recognized_ids=huong_son_communes,
        standard_only_ids={c.pk for c in ky_anh},
    )
    model_targets = [found[name] for name in ("Kỳ Châu", "Kỳ Giang", "Kỳ Phú")]
    _ky_anh_advanced(ky_anh, model_targets)
    load_trends()
    accounts = _accounts(depts)
    load_recognition_demo()
    load_approval_demo()
    return DemoReport(
        loaded=True,
        seconds=round(time.perf_counter() - started, 1),
        history_events=history.events,
        synthetic=synthetic.__dict__,
        accounts=accounts,
    )
