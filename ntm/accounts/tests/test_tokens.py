"""API tokens: made once and kept as a hash, used as Bearer with the user's scope and role,
expired or revoked tokens refused; the session needs the CSRF token for writes."""

import datetime as dt
import hashlib
import json

import pytest
from django.test import Client
from django.utils import timezone

from ntm import cli
from ntm.accounts.models import ApiToken
from ntm.accounts.services import UserAdminError, create_token, revoke_token, user_for_key
from ntm.audit.models import AuditEntry
from ntm.audit.services import Actor
from ntm.criteria.services import load_criteria_sets
from ntm.testing import COMMUNE_SET, make_ky_anh, make_user, write_sets
from ntm.values.models import IndicatorValue

pytestmark = pytest.mark.django_db

INCOME = "test-commune:10"


@pytest.fixture
def units(tmp_path):
    load_criteria_sets(write_sets(tmp_path, COMMUNE_SET))
    return make_ky_anh()


@pytest.fixture
def kylac(units):
    return make_user("kylac", role="data_entry", unit=units["ky_lac"])


def cli_actor():
    return Actor(user=None, channel="cli")


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_token_is_stored_only_as_its_hash_and_the_creation_is_audited(kylac):
    made = create_token(actor=cli_actor(), user=kylac, name="báo cáo", expires_in_days=30)
    stored = ApiToken.objects.get()
    assert made.key.startswith("ntm_") and len(made.key) > 40
    assert stored.key_hash == hashlib.sha256(made.key.encode()).hexdigest()
    assert made.key not in {stored.key_hash, stored.prefix, stored.name}
    assert stored.prefix == made.key[:10]
    entry = AuditEntry.objects.get(action="token.create")
    assert (entry.object_type, entry.object_id, entry.channel) == (
        "auth.user",
        str(kylac.pk),
        "cli",
    )
    assert made.key not in json.dumps(entry.new)


def test_bearer_token_reads_with_the_users_scope(units, kylac):
    made = create_token(actor=cli_actor(), user=kylac)
    client = Client()
    mine = client.get(
        f"/api/values/{units['ky_lac'].pk}", {"set": "test-commune", "period": "2021"},
        **bearer(made.key),
    )  # fmt: skip
    assert mine.status_code == 200
    assert mine.json()["unit"]["name"] == "Xã Kỳ Lạc"
    other = client.get(
        f"/api/values/{units['ky_tay'].pk}", {"set": "test-commune", "period": "2021"},
        **bearer(made.key),
    )  # fmt: skip
    assert other.status_code == 404
    assert ApiToken.objects.get().last_used_at is not None


def test_bearer_token_writes_without_csrf_and_the_audit_names_the_user_and_api(units, kylac):
    made = create_token(actor=cli_actor(), user=kylac)
    client = Client(enforce_csrf_checks=True)
    body = {
        "values": [
            {"unit_id": units["ky_lac"].pk, "indicator_key": INCOME, "period": "2021",
             "value": 41.0, "source": "Báo cáo xã"},
        ]
    }  # fmt: skip
    response = client.post(
        "/api/values", json.dumps(body), content_type="application/json", **bearer(made.key)
    )
    assert response.status_code == 200, response.content
    value = IndicatorValue.objects.get(unit=units["ky_lac"], indicator_key=INCOME)
    assert value.value == 41.0
    entry = AuditEntry.objects.get(action="value.create")
    assert (entry.actor_name, entry.channel) == ("kylac", "api")


@pytest.mark.parametrize(
    ("case", "detail"),
    [
        ("revoked", "Invalid, expired or revoked API token."),
        ("expired", "Invalid, expired or revoked API token."),
        ("inactive user", "Invalid, expired or revoked API token."),
        ("unknown", "Invalid, expired or revoked API token."),
        ("not bearer", "Authorization header must be 'Bearer <token>'."),
    ],
)
def test_unusable_tokens_are_401_and_write_nothing(units, kylac, case, detail):
    made = create_token(actor=cli_actor(), user=kylac)
    header = bearer(made.key)
    if case == "revoked":
        revoke_token(actor=cli_actor(), token=made.token)
    elif case == "expired":
        ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    elif case == "inactive user":
        kylac.is_active = False
        kylac.save()
    elif case == "unknown":
        header = bearer("ntm_" + "x" * 43)
    else:
        header = {"HTTP_AUTHORIZATION": f"Token {made.key}"}
    audit_before = AuditEntry.objects.count()
    body = {"values": [{"unit_id": units["ky_lac"].pk, "indicator_key": INCOME,
                        "period": "2021", "value": 41.0}]}  # fmt: skip
    response = Client().post(
        "/api/values", json.dumps(body), content_type="application/json", **header
    )
    assert (response.status_code, response.json()) == (401, {"detail": detail})
    assert IndicatorValue.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_an_invalid_token_is_refused_even_with_a_valid_session(units, kylac, client):
    client.force_login(kylac)
    response = client.get("/api/dashboards/national", **bearer("ntm_wrong"))
    assert response.status_code == 401


def test_session_writes_need_the_csrf_token(units, kylac):
    client = Client(enforce_csrf_checks=True)
    client.force_login(kylac)
    body = {"values": [{"unit_id": units["ky_lac"].pk, "indicator_key": INCOME,
                        "period": "2021", "value": 41.0}]}  # fmt: skip
    refused = client.post("/api/values", json.dumps(body), content_type="application/json")
    assert (refused.status_code, refused.json()) == (403, {"detail": "CSRF check Failed"})
    assert IndicatorValue.objects.count() == 0
    client.get(f"/units/{units['ky_lac'].pk}/")  # a page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/values", json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 200
    assert IndicatorValue.objects.count() == 1


def test_public_reads_need_no_authentication_and_private_ones_do(units):
    client = Client()
    assert client.get("/api/units/stats").status_code == 200
    assert client.get("/api/criteria").status_code == 200
    assert client.get("/api/criteria/test-commune").status_code == 200
    assert client.get(f"/api/dashboards/{units['district'].pk}").status_code == 401
    assert client.get(
        "/api/criteria/test-commune/evaluation", {"unit": "18850", "as_of": "2021-09-25"}
    ).status_code == 401  # fmt: skip


def test_user_for_key_notes_the_last_use_at_most_once_a_minute(kylac):
    made = create_token(actor=cli_actor(), user=kylac)
    assert user_for_key(made.key) == kylac
    first = ApiToken.objects.get().last_used_at
    assert user_for_key(made.key) == kylac
    assert ApiToken.objects.get().last_used_at == first
    assert user_for_key("not-a-token") is None


def test_cli_token_create_prints_the_key_once_then_list_and_revoke(kylac, capsys):
    assert cli.main(["token", "create", "--user", "kylac", "--name", "máy chủ báo cáo",
                     "--expires", "7"]) == 0  # fmt: skip
    out, err = capsys.readouterr()
    key = out.strip()
    assert key.startswith("ntm_")
    assert "shown only this once" in err
    token = ApiToken.objects.get()
    assert user_for_key(key) == kylac
    assert cli.main(["token", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(t["id"], t["user"], t["name"], t["state"]) for t in listed] == [
        (token.pk, "kylac", "máy chủ báo cáo", "active")
    ]
    assert key not in json.dumps(listed)
    assert cli.main(["token", "revoke", str(token.pk)]) == 0
    assert "revoked" in capsys.readouterr().out
    assert user_for_key(key) is None
    assert cli.main(["token", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert list(AuditEntry.objects.values_list("action", flat=True).order_by("id")) == [
        "token.create",
        "token.revoke",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["token", "create", "--user", "nobody"], "--user: there is no user 'nobody'"),
        (["token", "create", "--user", "kylac", "--expires", "0"], "từ 1 đến 3650"),
        (
            ["token", "create", "--user", "kylac", "--expires", "9", "--never-expires"],
            "không kèm số ngày hiệu lực",
        ),
        (["token", "revoke", "999"], "there is no token with id 999"),
    ],
)
def test_cli_token_errors_are_messages_not_tracebacks(kylac, capsys, argv, message):
    assert cli.main(argv) == 2
    out, err = capsys.readouterr()
    assert message in err
    assert "Traceback" not in err
    assert ApiToken.objects.count() == 0 or argv[1] == "revoke"


# --------------------------------------------------------------------------- default expiry


def _days_left(token: ApiToken) -> float:
    return (token.expires_at - timezone.now()).total_seconds() / 86400


def test_a_token_made_without_days_expires_after_the_default(kylac, settings):
    """Found attacking ntm (issue 9, §7): tokens never expired unless asked to."""
    made = create_token(actor=Actor(user=kylac, channel="web"), user=kylac, name="a")
    assert 179.9 < _days_left(made.token) <= 180
    settings.NTM_TOKEN_DEFAULT_DAYS = 30
    made = create_token(actor=cli_actor(), user=kylac, name="b")
    assert 29.9 < _days_left(made.token) <= 30
    assert AuditEntry.objects.filter(action="token.create").latest("id").new["expires_at"]


def test_the_api_the_account_page_and_the_cli_give_the_default_expiry(kylac, capsys):
    key = create_token(actor=cli_actor(), user=kylac, name="khóa").key
    made = Client(**bearer(key)).post(
        "/api/tokens", json.dumps({"name": "cron"}), content_type="application/json"
    )
    assert made.status_code == 201, made.content
    assert made.json()["expires_at"] is not None
    page = Client()
    page.force_login(kylac)
    assert page.post("/account/tokens/", {"name": "trang", "expires": ""}).status_code == 200
    assert cli.main(["token", "create", "--user", "kylac", "--name", "dòng lệnh"]) == 0
    assert "valid until" in capsys.readouterr().err
    tokens = ApiToken.objects.order_by("id")
    assert [t.name for t in tokens] == ["khóa", "cron", "trang", "dòng lệnh"]
    assert all(179.9 < _days_left(t) <= 180 for t in tokens)


def test_a_token_without_an_end_only_from_the_command_line(kylac, capsys):
    for channel in ("web", "api"):
        with pytest.raises(UserAdminError) as refused:
            create_token(actor=Actor(user=kylac, channel=channel), user=kylac, never_expires=True)
        assert "chỉ được tạo bằng dòng lệnh" in refused.value.message
    assert ApiToken.objects.count() == 0
    assert cli.main(["token", "create", "--user", "kylac", "--never-expires"]) == 0
    assert "never expires" in capsys.readouterr().err
    assert ApiToken.objects.get().expires_at is None
