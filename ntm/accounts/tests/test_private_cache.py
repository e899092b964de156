"""``Cache-Control: no-store, private`` on everything an authenticated user receives.

Found attacking ntm (issue 9, §7): authenticated pages had no Cache-Control, so a shared
office computer's browser (or a proxy) kept a unit's figures for the next person.
"""

from __future__ import annotations

import pytest
from django.test import Client

from ntm.accounts.services import create_token
from ntm.audit.services import Actor
from ntm.criteria.services import load_criteria_sets
from ntm.testing import COMMUNE_SET, make_ky_anh, make_user, write_sets

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tmp_path, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_criteria_sets(write_sets(tmp_path, COMMUNE_SET))
    units = make_ky_anh()
    return {**units, "kylac": make_user("kylac", role="data_entry", unit=units["ky_lac"])}


def private(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_pages_api_answers_and_exports_to_a_signed_in_user_are_no_store(world):
    client = Client()
    client.force_login(world["kylac"])
    unit = world["ky_lac"].pk
    for path in (f"/units/{unit}/", "/account/", f"/units/{unit}/xlsx/", "/api/tokens"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert private(response), (path, response.get("Cache-Control"))
    # A page that is public by nature, to a signed-in user, is theirs too.
    assert private(client.get("/recognitions/"))


def test_api_answers_to_a_token_are_no_store(world):
    key = create_token(actor=Actor(user=None, channel="cli"), user=world["kylac"]).key
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.get(f"/api/dashboards/{world['ky_lac'].pk}")
    assert response.status_code == 200
    assert private(response)
    # A refused token is not a signed-in user, but its 401 reveals nothing either.
    assert Client(HTTP_AUTHORIZATION="Bearer ntm_wrong").get("/api/tokens").status_code == 401


def test_public_pages_to_anonymous_visitors_are_not_marked(world):
    response = Client().get("/recognitions/")
    assert response.status_code == 200
    assert not private(response)
    assert not private(Client().get(f"/api/units/{world['ky_lac'].pk}"))
