"""Read queries about users, for the user pages and the API."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from ntm.accounts.scope import scope_of


def users_in_scope(viewer: AbstractBaseUser) -> QuerySet:
    """Users whose unit is in the viewer's scope (everyone for a national office).

    Superusers are listed to superusers only; profiles, units and departments are loaded
    with the users, so lists make no query per row.
    """
    users = get_user_model().objects.select_related("profile__unit__parent", "profile__department")
    if not viewer.is_superuser:
        users = users.filter(is_superuser=False)
    scope = scope_of(viewer)
    if scope.is_national:
        return users
    return users.filter(profile__unit_id__in=scope.unit_ids)
