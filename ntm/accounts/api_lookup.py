"""The scope-checked lookups of ``ntm.accounts.scope`` as the API answers them: a 404 with
a message naming what was not found."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError

from ntm.accounts.scope import UnitNotFound, visible_unit
from ntm.units.models import AdminUnit


def api_visible_unit(request: HttpRequest, unit_id: int, message: str = "") -> AdminUnit:
    """The unit if the caller may see it, else 404 with `message` (by default "No unit
    <id> in your scope."), the same whether the unit does not exist or is out of scope."""
    try:
        return visible_unit(request.user, unit_id)
    except UnitNotFound:
        raise HttpError(404, message or f"No unit {unit_id} in your scope.") from None
