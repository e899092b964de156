"""A property-based run of the whole OpenAPI schema (schemathesis, in-process WSGI).

Every operation of /api/openapi.json gets generated requests, each sent as every role of a
small province (viewer, data entry, verifier, approver, administrator) and anonymously:
no answer may be a server error. The examples are bounded and derandomized so the run is
repeatable and takes a minute or two; run it alone with ``pytest -m fuzz``.
"""

from __future__ import annotations

import contextlib
import itertools
import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client, override_settings
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from ntm.accounts.services import create_token
from ntm.approvals.tests.approval_world import INCOME, ROADS, TEST_SECTORS, World, build_world
from ntm.audit.services import Actor
from ntm.criteria import sectors
from ntm.testing import make_user

pytestmark = pytest.mark.fuzz

# Who sends each request: the world's personas, an administrator and nobody.
ROLES = ("xem", "kylac", "sogtvt", "kyanh", "hatinh", "admin", None)


@contextlib.contextmanager
def _test_connection_kept():
    """The requests go through Django's WSGI handler, which closes the database connection
    after each one; Django's own test client keeps it (the test's transaction lives on it),
    and so does this, the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def world_and_tokens(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world and its tokens, built once for the module in a transaction rolled back at
    its end (as ``tests/personas`` does). Each test runs in a savepoint of that transaction
    (pytest-django's ``db``), so whatever its requests write is gone before the next one."""
    root = tmp_path_factory.mktemp("fuzz-world")
    patch = pytest.MonkeyPatch()
    patch.setattr(sectors, "sector_map", lambda: TEST_SECTORS)
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(MEDIA_ROOT=root / "media", PASSWORD_HASHERS=fast),
            transaction.atomic(),
        ):
            world = build_world(root)
            yield world, _tokens(world, Client())
            transaction.set_rollback(True)
    finally:
        patch.undo()


@pytest.fixture
def tokens(world_and_tokens, db, settings, tmp_path) -> dict[str | None, str]:
    settings.MEDIA_ROOT = tmp_path / "media"
    return world_and_tokens[1]


def _tokens(world: World, client: Client) -> dict[str | None, str]:
    """A token per persona, and a few values so reads have something to show."""
    world.users["admin"] = make_user("admin", role="administrator", unit=None)
    keys: dict[str | None, str] = {None: ""}
    for username in ROLES[:-1]:
        user = world.users[username]
        actor = Actor(user, ip_address="10.0.0.1", channel="cli")
        keys[username] = create_token(actor=actor, user=user, name="fuzz").key
    ky_lac = world.units["ky_lac"].pk
    values = [
        {"unit_id": ky_lac, "indicator_key": INCOME, "period": "2021", "value": 38.5},
        {"unit_id": ky_lac, "indicator_key": ROADS, "period": "2021", "numerator": 8,
         "denominator": 10},
    ]  # fmt: skip
    response = client.post(
        "/api/values",
        json.dumps({"values": values}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {keys['kylac']}"},
    )
    assert response.status_code == 200, response.content
    return keys


# Loaded once at collection: the schema itself needs no database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_with_a_server_error(case, tokens):
    # Each generated request goes out as the next role in turn: every role meets every
    # operation a few times, at a seventh of the cost of sending each request seven times.
    role = ROLES[next(_turn) % len(ROLES)]
    headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
    with _test_connection_kept():
        response = case.call(headers=headers)
    case.validate_response(response, checks=[not_a_server_error], headers=headers)


_turn = itertools.count()
