"""What every page's navigation needs to know about the user, computed in Python so that
templates hold no role rules (issue 10, §3)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from ntm.accounts.services import is_office


def navigation(request: HttpRequest) -> dict[str, Any]:
    """``may_manage_users``: the users page is offered by the same rule that opens it (an
    office: approver, administrator or superuser); evaluated only where a page uses it."""
    user = getattr(request, "user", None)
    return {"may_manage_users": SimpleLazyObject(lambda: is_office(user))}
