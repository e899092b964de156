"""The main navigation offers the users page by the rule that opens it, decided in Python
(a context processor), not by role names written in the base template (issue 10, §3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ntm.testing import make_ky_anh, make_user

BASE = Path(__file__).resolve().parents[2] / "web" / "templates" / "web" / "base.html"
USERS_LINK = 'href="/users/"'


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "offered"),
    [("approver", True), ("administrator", True), ("data_entry", False), ("viewer", False)],
)
def test_the_users_link_follows_the_users_page_rule(client, role, offered):
    units = make_ky_anh()
    user = make_user(f"u-{role}", role=role, unit=units["district"])
    client.force_login(user)
    page = client.get("/criteria/").content.decode()
    assert (USERS_LINK in page) is offered
    assert (client.get("/users/").status_code == 200) is offered


@pytest.mark.django_db
def test_a_superuser_is_offered_the_users_page(admin_client):
    assert USERS_LINK in admin_client.get("/criteria/").content.decode()


def test_the_base_template_holds_no_role_rule():
    text = BASE.read_text(encoding="utf-8")
    assert "profile.role" not in text and "is_superuser or" not in text
