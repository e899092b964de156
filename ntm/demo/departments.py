"""Hà Tĩnh's departments for the usual sectors, so each criterion has its verifier.

One department per sector of ``ntm/criteria/data/sectors.yaml`` (the province's names of
before the 2025 merger of departments), with the sector code set. The departments the
seed reports name already exist (``seeds.departments``): they keep their names and get
their sector, so the transport department of the demo account ``sogtvt`` becomes
responsible for criterion 2 (Giao thông). Criteria of no sector, or of a sector without
a department, are verified by the coordination office. Idempotent.
"""

from __future__ import annotations

from datetime import date

from ntm.approvals.responsibility import create_department, set_department_sector
from ntm.audit.services import Actor
from ntm.criteria.sectors import sector_map
from ntm.demo import seeds
from ntm.units.models import Department

#: The usual abbreviations, by sector.
SHORT_NAMES = {
    "construction": "Sở XD",
    "transport": "Sở GTVT",
    "agriculture": "Sở NN&PTNT",
    "industry_trade": "Sở Công Thương",
    "education": "Sở GD&ĐT",
    "culture": "Sở VHTTDL",
    "information": "Sở TT&TT",
    "statistics": "Cục Thống kê",
    "labour": "Sở LĐTB&XH",
    "health": "Sở Y tế",
    "environment": "Sở TN&MT",
    "home_affairs": "Sở Nội vụ",
    "justice": "Sở Tư pháp",
    "security": "Công an tỉnh",
    "science": "Sở KH&CN",
}


def load_departments(actor: Actor) -> list[Department]:
    """Create (or give their sector to) Hà Tĩnh's departments through the departments
    service, as `actor` (an office over Hà Tĩnh); returns them by sector."""
    province = seeds.unit_on("42", date(2021, 1, 1), "province")
    found = []
    for code, sector in sector_map().sectors.items():
        name = f"{sector.department_vi} Hà Tĩnh"
        department = Department.objects.filter(unit=province, name=name).first()
        if department is None:
            department = create_department(
                office=province, name=name, short_name=SHORT_NAMES.get(code, ""), sector=code,
                actor=actor,
            )  # fmt: skip
        else:
            set_department_sector(department=department, sector=code, actor=actor)
        found.append(department)
    return found
