"""Write use cases of the programme: targets, registrations and sponsorships.

The base issue 12 builds on. Today these writes check the record itself (a known tier,
a consistent target, a known status, dates in order) and audit it; none of them checks
who writes: no role, no scope (the unit in the writer's units). Their callers are the
demo seeds and tests, and the recognition workflow, which registers a case through
``record_registration`` after its own role and scope check
(``ntm.recognition.services.access``). No page or API operation writes these records
yet (the Django admin writes them around these services, with no audit entry); the one that
does must check the role and scope first.

Every write takes ``now``, the time of its audit entry when it is not the present (the
demo's clock).
"""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from ntm.audit.services import Actor, audit_write
from ntm.programme.models import Registration, RegistrationStatusChoices, Sponsorship, Target
from ntm.units.models import AdminUnit, Department
from ntm.values.validation import AssessmentError, parse_tier


@transaction.atomic
def record_target(
    *,
    unit: AdminUnit,
    tier: str,
    year: int,
    child_level: str = "",
    child_count: int | None = None,
    child_count_max: int | None = None,
    fields_of_excellence: str = "",
    source: str = "",
    note: str = "",
    user: AbstractBaseUser | None = None,
    actor: Actor | None = None,
    now: datetime | None = None,
) -> Target:
    """A target: the unit reaches a tier in a year, or has N (to M) child units at a tier.

    Checks: the tier is known; an aggregate target has both the child level and the count
    (the table's constraint ``target_aggregate_needs_level`` too); a range has a count and
    a maximum not below it. Does not check yet: the writer's role or scope; that the child
    level lies below the unit's level; that the unit exists in the year; a second target
    for the same unit, tier and year (it is another row, not a correction).
    """
    parse_tier(tier)
    if (child_count is None) != (not child_level):
        raise AssessmentError(
            _("Mục tiêu theo số đơn vị con cần có cả cấp đơn vị con và số đơn vị.")
        )
    if child_count_max is not None and (child_count is None or child_count_max < child_count):
        raise AssessmentError(
            _("Mục tiêu dạng khoảng cần có số tối thiểu và số tối đa không nhỏ hơn nó.")
        )
    target = Target.objects.create(
        unit=unit, tier=tier, year=year, child_level=child_level, child_count=child_count,
        child_count_max=child_count_max, fields_of_excellence=fields_of_excellence.strip(),
        source=source, note=note, entered_by=user,
    )  # fmt: skip
    audit_write(
        actor, user, "target.record", target, unit=unit,
        summary=f"Mục tiêu {tier} năm {year}"
        + (f": {child_count} {child_level}" if child_count is not None else ""),
        new={"tier": tier, "year": year, "child_level": child_level or None,
             "child_count": child_count, "child_count_max": child_count_max},
        now=now,
    )  # fmt: skip
    return target


@transaction.atomic
def record_registration(
    *,
    unit: AdminUnit,
    tier: str,
    year: int,
    registered_on: date | None = None,
    status: str = RegistrationStatusChoices.IN_PROGRESS,
    status_on: date | None = None,
    source: str = "",
    note: str = "",
    user: AbstractBaseUser | None = None,
    actor: Actor | None = None,
    now: datetime | None = None,
) -> Registration:
    """Create or update the one registration of a unit for a tier and a year (đăng ký).

    Checks: the tier and the status are known. An update replaces every field with the
    arguments given (an argument left out goes back to its default), and its audit entry
    keeps the previous status. Does not check yet: the writer's role or scope (the
    recognition workflow checks them before it calls); the order of statuses (any status
    may follow any other); that the unit exists in the year; the status date against the
    registration date.
    """
    parse_tier(tier)
    if status not in RegistrationStatusChoices.values:
        raise AssessmentError(
            _("“%(status)s” không phải là một trạng thái đăng ký; các trạng thái: %(known)s.")
            % {"status": status, "known": ", ".join(RegistrationStatusChoices.values)}
        )
    previous = Registration.objects.filter(unit=unit, tier=tier, year=year).first()
    registration, _created = Registration.objects.update_or_create(
        unit=unit, tier=tier, year=year,
        defaults={
            "registered_on": registered_on, "status": status, "status_on": status_on,
            "source": source, "note": note, "entered_by": user,
        },
    )  # fmt: skip
    audit_write(
        actor, user, "registration.record", registration, unit=unit,
        summary=f"Đăng ký {tier} năm {year}: {status}",
        old={"status": previous.status, "status_on": previous.status_on} if previous else None,
        new={"tier": tier, "year": year, "status": status, "status_on": status_on,
             "registered_on": registered_on},
        now=now,
    )  # fmt: skip
    return registration


@transaction.atomic
def record_sponsorship(
    *,
    unit: AdminUnit,
    sponsor: Department,
    start_date: date | None = None,
    end_date: date | None = None,
    source: str = "",
    note: str = "",
    user: AbstractBaseUser | None = None,
    actor: Actor | None = None,
    now: datetime | None = None,
) -> Sponsorship:
    """A department sponsors a unit (đơn vị đỡ đầu) from one date to another.

    Checks: the end is not before the start. Does not check yet: the writer's role or
    scope; which unit the sponsoring department belongs to; a sponsorship of the same
    department and unit overlapping this one (it is another row); the unit in force on the
    dates.
    """
    if start_date and end_date and end_date < start_date:
        raise AssessmentError(
            _("Ngày kết thúc đỡ đầu %(end)s không thể trước ngày bắt đầu %(start)s.")
            % {"end": end_date.strftime("%d/%m/%Y"), "start": start_date.strftime("%d/%m/%Y")}
        )
    sponsorship = Sponsorship.objects.create(
        unit=unit, sponsor=sponsor, start_date=start_date, end_date=end_date,
        source=source, note=note, entered_by=user,
    )  # fmt: skip
    audit_write(
        actor, user, "sponsorship.record", sponsorship, unit=unit,
        summary=f"Đơn vị đỡ đầu: {sponsor.name}",
        new={"sponsor": sponsor.name, "start_date": start_date, "end_date": end_date},
        now=now,
    )  # fmt: skip
    return sponsorship
