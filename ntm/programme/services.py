"""Write use cases of the programme: targets, registrations and sponsorships."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from ntm.audit.services import Actor, audit_write
from ntm.programme.models import Registration, RegistrationStatusChoices, Sponsorship, Target
from ntm.units.models import AdminUnit, Department
from ntm.values.services import _tier
from ntm.values.validation import AssessmentError


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
) -> Target:
    """A target: the unit reaches a tier in a year, or has N (to M) child units at a tier."""
    _tier(tier)
    if (child_count is None) != (not child_level):
        raise AssessmentError("An aggregate target needs both the child level and the count.")
    if child_count_max is not None and (child_count is None or child_count_max < child_count):
        raise AssessmentError("A target range needs a count and a maximum not below it.")
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
) -> Registration:
    _tier(tier)
    if status not in RegistrationStatusChoices.values:
        raise AssessmentError(f"Unknown registration status {status!r}.")
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
) -> Sponsorship:
    if start_date and end_date and end_date < start_date:
        raise AssessmentError("A sponsorship cannot end before it starts.")
    sponsorship = Sponsorship.objects.create(
        unit=unit, sponsor=sponsor, start_date=start_date, end_date=end_date,
        source=source, note=note, entered_by=user,
    )  # fmt: skip
    audit_write(
        actor, user, "sponsorship.record", sponsorship, unit=unit,
        summary=f"Đơn vị đỡ đầu: {sponsor.name}",
        new={"sponsor": sponsor.name, "start_date": start_date, "end_date": end_date},
    )  # fmt: skip
    return sponsorship
