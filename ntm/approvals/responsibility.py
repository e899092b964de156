"""Which department verifies which criterion, and the offices' changes to it.

For a unit's criterion, the responsible department is, nearest office first (the unit's
district, then its province):

1. the department the office assigned to that criterion (``CriterionResponsibility``);
2. else the office's department whose ``sector`` is the criterion's conventional sector
   (``ntm.criteria.sectors``; the lowest id when two share a sector);
3. else none: the coordination office that approves the unit verifies the criterion.

A few queries for any number of units. Changing an assignment or a department's sector
moves the criteria still waiting for verification under that office to the department
now responsible, so queues follow the change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ntm.accounts.permissions import OFFICE_ROLES, require_write
from ntm.approvals.models import CriterionResponsibility, CriterionVerification
from ntm.audit.services import Actor, Change, record_change
from ntm.core.criteria.model import CriteriaSetDef, CriterionDef
from ntm.criteria.sectors import Sector, criterion_sectors, sector_map
from ntm.units.models import AdminUnit, Department, LevelChoices
from ntm.values.validation import AssessmentError

#: Levels whose offices assign criteria to departments.
OFFICE_LEVELS = (LevelChoices.PROVINCE, LevelChoices.DISTRICT)


@dataclass(frozen=True)
class Responsible:
    """The department responsible for one criterion, and why."""

    criterion: CriterionDef
    sector: Sector | None
    department: Department | None
    #: the office whose explicit assignment decides (None: the sector default)
    assigned_by_office: AdminUnit | None = None
    #: the department of the criterion's sector, whether or not an assignment overrides it
    default: Department | None = None

    @property
    def is_assigned(self) -> bool:
        return self.assigned_by_office is not None


def ancestors(unit: AdminUnit) -> list[AdminUnit]:
    """The units above, nearest first (uses loaded parents, else one query per level)."""
    chain: list[AdminUnit] = []
    current = unit.parent if unit.parent_id else None
    while current is not None and current not in chain:
        chain.append(current)
        current = current.parent if current.parent_id else None
    return chain


def _resolve(
    chains: dict[int, list[AdminUnit]], definition: CriteriaSetDef
) -> dict[int, dict[str, Responsible]]:
    office_ids = {office.pk for chain in chains.values() for office in chain}
    keys = [c.key for c in definition.criteria]
    explicit: dict[tuple[int, str], CriterionResponsibility] = {
        (row.unit_id, row.criterion_key): row
        for row in CriterionResponsibility.objects.filter(
            unit_id__in=office_ids, criterion_key__in=keys
        ).select_related("department")
    }
    by_sector: dict[tuple[int, str], Department] = {}
    for department in (
        Department.objects.filter(unit_id__in=office_ids).exclude(sector="").order_by("id")
    ):
        by_sector.setdefault((department.unit_id, department.sector), department)
    sectors = criterion_sectors(definition)
    found: dict[int, dict[str, Responsible]] = {}
    for unit_id, chain in chains.items():
        per_criterion: dict[str, Responsible] = {}
        for criterion in definition.criteria:
            sector = sectors.get(criterion.key)
            default = None
            if sector is not None:
                default = next(
                    (
                        by_sector[(office.pk, sector.code)]
                        for office in chain
                        if (office.pk, sector.code) in by_sector
                    ),
                    None,
                )
            result = Responsible(criterion, sector, default, None, default)
            for office in chain:
                row = explicit.get((office.pk, criterion.key))
                if row is not None:
                    result = Responsible(criterion, sector, row.department, office, default)
                    break
            per_criterion[criterion.key] = result
        found[unit_id] = per_criterion
    return found


def responsible_for(
    units: Sequence[AdminUnit], definition: CriteriaSetDef
) -> dict[int, dict[str, Responsible]]:
    """Each unit's criteria with their responsible department (load parents beforehand
    with ``select_related("parent__parent__parent")`` when there are many units)."""
    return _resolve({unit.pk: ancestors(unit) for unit in units}, definition)


def responsible_under(office: AdminUnit, definition: CriteriaSetDef) -> dict[str, Responsible]:
    """The criteria of a set with the department responsible for a unit under an office."""
    return _resolve({office.pk: [office, *ancestors(office)]}, definition)[office.pk]


def candidate_departments(office: AdminUnit) -> list[Department]:
    """Departments an office may assign: its own and those of the offices above it."""
    ids = [office.pk, *(u.pk for u in ancestors(office))]
    return list(Department.objects.filter(unit_id__in=ids).select_related("unit").order_by("name"))


def _require_office(office: AdminUnit, actor: Actor) -> None:
    require_write(actor.user, office, roles=OFFICE_ROLES)
    if office.level not in OFFICE_LEVELS:
        raise AssessmentError(
            _("Chỉ tỉnh hoặc huyện giao sở, ngành phụ trách tiêu chí; %(unit)s là cấp %(level)s.")
            % {"unit": office.name, "level": LevelChoices(office.level).label}
        )


def assign_responsibility(
    *,
    office: AdminUnit,
    definition: CriteriaSetDef,
    number: str,
    department: Department | None,
    actor: Actor,
) -> bool:
    """Assign a criterion of a set to a department for the units under an office (None:
    back to the sector default). Returns whether anything changed; audited."""
    _require_office(office, actor)
    try:
        criterion = definition.criterion(number)
    except KeyError:
        raise AssessmentError(
            _("Bộ tiêu chí “%(set)s” không có tiêu chí %(number)s.")
            % {"set": definition.name_vi, "number": number}
        ) from None
    if department is not None and department.pk not in {
        d.pk for d in candidate_departments(office)
    }:
        raise AssessmentError(
            _("“%(department)s” không thuộc %(unit)s hay cấp trên của đơn vị này.")
            % {"department": department.name, "unit": office.name}
        )
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    with transaction.atomic():
        existing = (
            CriterionResponsibility.objects.select_for_update()
            .filter(unit=office, criterion_key=criterion.key)
            .select_related("department")
            .first()
        )
        old = existing.department if existing is not None else None
        if (old.pk if old else None) == (department.pk if department else None):
            return False
        if department is None:
            assert existing is not None
            existing.delete()
        elif existing is None:
            CriterionResponsibility.objects.create(
                unit=office, criterion_key=criterion.key, department=department, assigned_by=user
            )
        else:
            existing.department, existing.assigned_by = department, user
            existing.save(update_fields=["department", "assigned_by", "assigned_at"])
        moved = refresh_pending(office)
        record_change(
            actor,
            Change(
                action="responsibility.assign" if department else "responsibility.clear",
                object_type=CriterionResponsibility._meta.label_lower,
                object_id=f"{office.pk}:{criterion.key}",
                unit_id=office.pk,
                unit_label=office.name,
                summary=f"{criterion.key} {criterion.name_vi}",
                old={"department": old.name} if old else None,
                new={"department": department.name if department else None, "moved": moved},
            ),
        )
    return True


def create_department(
    *, office: AdminUnit, name: str, short_name: str = "", sector: str = "", actor: Actor
) -> Department:
    """Add a department (sở, ngành) to an office, with the sector it covers; audited."""
    _require_office(office, actor)
    name, short_name, sector = name.strip(), short_name.strip(), sector.strip()
    if not name:
        raise AssessmentError(_("Cần tên sở, ngành."))
    if sector and sector not in sector_map().sectors:
        raise AssessmentError(_("Không có lĩnh vực “%(code)s”.") % {"code": sector})
    if Department.objects.filter(unit=office, name__iexact=name).exists():
        raise AssessmentError(_("%(unit)s đã có “%(name)s”.") % {"unit": office.name, "name": name})
    with transaction.atomic():
        department = Department.objects.create(
            unit=office, name=name, short_name=short_name, sector=sector
        )
        moved = refresh_pending(office) if sector else 0
        record_change(
            actor,
            Change(
                action="department.create",
                obj=department,
                unit_id=office.pk,
                unit_label=office.name,
                summary=name,
                new={"name": name, "short_name": short_name, "sector": sector, "moved": moved},
            ),
        )
    return department


def set_department_sector(*, department: Department, sector: str, actor: Actor) -> bool:
    """Change the sector a department covers; its criteria follow. Audited."""
    office = department.unit
    _require_office(office, actor)
    sector = sector.strip()
    if sector and sector not in sector_map().sectors:
        raise AssessmentError(_("Không có lĩnh vực “%(code)s”.") % {"code": sector})
    if department.sector == sector:
        return False
    with transaction.atomic():
        old = department.sector
        department.sector = sector
        department.save(update_fields=["sector"])
        moved = refresh_pending(office)
        record_change(
            actor,
            Change(
                action="department.sector",
                obj=department,
                unit_id=office.pk,
                unit_label=office.name,
                summary=department.name,
                old={"sector": old},
                new={"sector": sector, "moved": moved},
            ),
        )
    return True


def _under(office: AdminUnit) -> Q:
    """Verifications of submissions of units below an office (up to three levels)."""
    return (
        Q(submission__unit__parent=office)
        | Q(submission__unit__parent__parent=office)
        | Q(submission__unit__parent__parent__parent=office)
    )


def refresh_pending(office: AdminUnit) -> int:
    """Point the criteria waiting for verification under an office at the department now
    responsible; returns how many moved."""
    from ntm.criteria.models import CriteriaSet

    pending = list(
        CriterionVerification.objects.filter(
            _under(office), is_current=True, verified_at__isnull=True
        ).select_related("submission__unit__parent__parent__parent")
    )
    if not pending:
        return 0
    by_set: dict[tuple[str, int | None], list[CriterionVerification]] = {}
    for row in pending:
        by_set.setdefault((row.submission.set_id, row.submission.set_version), []).append(row)
    changed: list[CriterionVerification] = []
    for (set_id, version), rows in by_set.items():
        stored = CriteriaSet.objects.filter(set_id=set_id, version=version).first()
        if stored is None:
            continue
        units = {row.submission.unit_id: row.submission.unit for row in rows}
        resolved = responsible_for(list(units.values()), stored.to_domain())
        for row in rows:
            found = resolved[row.submission.unit_id].get(row.criterion_key)
            department_id = found.department.pk if found and found.department else None
            if department_id != row.department_id:
                row.department_id = department_id
                changed.append(row)
    if changed:
        CriterionVerification.objects.bulk_update(changed, ["department"])
    return len(changed)
