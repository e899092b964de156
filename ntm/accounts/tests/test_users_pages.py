"""User administration by offices: list, create, edit, deactivate, set-password link,
unlock; scope and role limits; every change audited; refused changes change nothing."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from ntm.accounts.models import ApiToken, Profile
from ntm.accounts.services import create_token
from ntm.audit.models import AuditEntry
from ntm.audit.services import Actor
from ntm.testing import make_ky_anh, make_user
from ntm.units.models import Department

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def world():
    units = make_ky_anh()
    gtvt = Department.objects.create(name="Sở Giao thông Vận tải", unit=units["province"])
    return {
        **units,
        "gtvt": gtvt,
        "hatinh": make_user("hatinh", role="approver", unit=units["province"]),
        "kyanh": make_user("kyanh", role="approver", unit=units["district"]),
        "kylac": make_user("kylac", role="data_entry", unit=units["ky_lac"]),
        "kytay": make_user("kytay", role="data_entry", unit=units["ky_tay"]),
        "boss": make_user("boss", role="administrator", unit=units["province"]),
    }


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def state():
    return (
        sorted(User.objects.values_list("username", "is_active", "first_name")),
        sorted(Profile.objects.values_list("user__username", "role", "unit_id", "department_id")),
        AuditEntry.objects.count(),
    )


def test_a_province_office_lists_the_users_of_its_province_with_last_login(world):
    response = signed_in(world["hatinh"]).get("/users/")
    assert response.status_code == 200
    names = re.findall(r'href="/users/\d+/"><strong>([^<]+)</strong>', response.content.decode())
    assert names == ["boss", "hatinh", "kyanh", "kylac", "kytay"]


def test_a_district_office_sees_only_its_communes_users(world):
    response = signed_in(world["kyanh"]).get("/users/")
    names = re.findall(r'href="/users/\d+/"><strong>([^<]+)</strong>', response.content.decode())
    assert names == ["kyanh", "kylac", "kytay"]
    assert signed_in(world["kyanh"]).get(f"/users/{world['hatinh'].pk}/").status_code == 404


def test_the_user_list_makes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for n in range(30):
        make_user(f"xa{n}", role="viewer", unit=world["ky_lac"])
    client = signed_in(world["hatinh"])
    with django_assert_max_num_queries(14):
        response = client.get("/users/")
    assert response.content.decode().count('href="/users/') >= 35


@pytest.mark.parametrize("who", ["kylac", "kytay"])
def test_commune_users_cannot_manage_users(world, who):
    client = signed_in(world[who])
    before = state()
    assert client.get("/users/").status_code == 403
    assert client.post("/users/new/", {"username": "x", "role": "viewer"}).status_code == 403
    response = client.post(f"/users/{world['kytay'].pk}/active/", {"is_active": "0"})
    assert response.status_code == 403
    assert state() == before


def test_an_office_creates_a_user_and_hands_out_a_one_time_password_link(world):
    client = signed_in(world["kyanh"])
    response = client.post(
        "/users/new/",
        {"username": "kylac2", "full_name": "Cán bộ địa chính", "unit": world["ky_lac"].pk,
         "role": "data_entry", "reason": "cán bộ mới"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"].split(", ")
    link = re.search(
        r'value="(http://testserver/accounts/set-password/[^"]+)"', response.content.decode()
    )
    assert link
    user = User.objects.get(username="kylac2")
    assert not user.has_usable_password()
    assert (user.profile.unit, user.profile.role) == (world["ky_lac"], "data_entry")
    created = AuditEntry.objects.get(action="user.create")
    assert (created.actor_name, created.unit_id, created.reason) == (
        "kyanh",
        world["ky_lac"].pk,
        "cán bộ mới",
    )
    assert created.new["role"] == "data_entry"
    assert (
        AuditEntry.objects.filter(action="user.password_link", object_id=str(user.pk)).count() == 1
    )
    # The user sets a password with the link, once.
    anonymous = Client()
    path = link.group(1).replace("http://testserver", "")
    form_page = anonymous.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = anonymous.post(
        set_url, {"new_password1": "ruong-lua-2026", "new_password2": "ruong-lua-2026"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("ruong-lua-2026")
    assert AuditEntry.objects.filter(action="user.password_set", actor=user).count() == 1
    again = anonymous.get(path, follow=True)
    assert "không còn dùng được" in again.content.decode()


@pytest.mark.parametrize(
    ("office", "data", "message"),
    [
        ("kyanh", {"username": "a1", "unit": "ky_lac", "role": "administrator"},
         "Select a valid choice"),
        ("hatinh", {"username": "a1", "unit": "ky_lac", "role": "verifier"},
         "Người thẩm tra thuộc một sở, ngành"),
        ("kyanh", {"username": "kylac", "unit": "ky_lac", "role": "viewer"},
         "Tên đăng nhập “kylac” đã có người dùng."),
        ("kyanh", {"username": "có dấu", "unit": "ky_lac", "role": "viewer"},
         "Tên đăng nhập chỉ gồm chữ, số"),
        ("kyanh", {"username": "a1", "unit": "province", "role": "viewer"},
         "Select a valid choice"),
        ("kyanh", {"username": "a1", "unit": "", "role": "viewer"}, "Hãy chọn đơn vị"),
    ],
)  # fmt: skip
def test_refused_creations_say_why_and_change_nothing(world, office, data, message):
    client = signed_in(world[office])
    before = state()
    body = {**data, "unit": world[data["unit"]].pk if data["unit"] else ""}
    response = client.post("/users/new/", body, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text or message.replace("Select a valid choice", "Hãy chọn") in text
    assert state() == before


def test_an_office_changes_role_and_department_and_the_trail_has_old_and_new(world):
    client = signed_in(world["hatinh"])
    response = client.post(
        f"/users/{world['kylac'].pk}/",
        {"full_name": "Sở GTVT", "unit": world["province"].pk, "role": "verifier",
         "department": world["gtvt"].pk, "reason": "điều chuyển"},
    )  # fmt: skip
    assert response.status_code == 302
    profile = Profile.objects.get(user=world["kylac"])
    assert (profile.role, profile.unit, profile.department) == (
        "verifier", world["province"], world["gtvt"]
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="user.update")
    assert entry.old == {"full_name": "", "role": "data_entry", "unit_id": world["ky_lac"].pk,
                         "unit": "Xã Kỳ Lạc", "department": None}  # fmt: skip
    assert entry.new["role"] == "verifier" and entry.new["department"] == "Sở Giao thông Vận tải"
    assert entry.reason == "điều chuyển"


def test_an_approver_cannot_edit_an_administrator_nor_raise_anyone_above_approver(world):
    client = signed_in(world["hatinh"])
    before = state()
    page = client.get(f"/users/{world['boss'].pk}/")
    assert page.status_code == 200
    assert 'data-testid="user-form"' not in page.content.decode()
    assert client.post(f"/users/{world['boss'].pk}/", {"role": "viewer"}).status_code == 404
    assert client.post(f"/users/{world['boss'].pk}/active/", {"is_active": "0"}).status_code == 302
    raised = client.post(
        f"/users/{world['kylac'].pk}/", {"unit": world["ky_lac"].pk, "role": "administrator"}
    )
    assert raised.status_code == 200
    assert state() == before
    assert User.objects.get(username="boss").is_active


def test_deactivation_ends_api_access_and_reactivation_restores_it(world):
    made = create_token(actor=Actor(user=None, channel="cli"), user=world["kylac"])
    client = signed_in(world["kyanh"])
    response = client.post(
        f"/users/{world['kylac'].pk}/active/", {"is_active": "0", "reason": "nghỉ việc"}
    )
    assert response.status_code == 302
    api = Client().get("/api/units/stats", HTTP_AUTHORIZATION=f"Bearer {made.key}")
    assert api.status_code == 401
    entry = AuditEntry.objects.get(action="user.deactivate")
    assert (entry.old, entry.new, entry.reason) == (
        {"is_active": True},
        {"is_active": False},
        "nghỉ việc",
    )
    client.post(f"/users/{world['kylac'].pk}/active/", {"is_active": "1"})
    assert (
        Client().get("/api/units/stats", HTTP_AUTHORIZATION=f"Bearer {made.key}").status_code == 200
    )


def test_an_office_cannot_lock_itself_out(world):
    client = signed_in(world["kyanh"])
    before = state()
    response = client.post(f"/users/{world['kyanh'].pk}/active/", {"is_active": "0"}, follow=True)
    assert "Không thể tự khóa tài khoản của chính mình." in response.content.decode()
    assert state() == before


def test_unlock_clears_a_lockout_and_is_audited(world, settings):
    login = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login.post("/accounts/login/", {"username": "kylac", "password": "nope-nope-nope"})
    page = signed_in(world["kyanh"]).get(f"/users/{world['kylac'].pk}/")
    assert "Tạm khóa đăng nhập" in page.content.decode()
    response = signed_in(world["kyanh"]).post(f"/users/{world['kylac'].pk}/unlock/")
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="user.unlock").count() == 1
    ok = login.post("/accounts/login/", {"username": "kylac", "password": "demo-pass-123"})
    assert ok.status_code == 302


def test_a_user_makes_and_revokes_their_own_token_on_the_account_page(world):
    client = signed_in(world["kylac"])
    response = client.post("/account/tokens/", {"name": "báo cáo", "expires": "30"})
    assert response.status_code == 200
    key = re.search(r'value="(ntm_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert (token.user, token.name) == (world["kylac"], "báo cáo")
    assert key not in client.get("/account/").content.decode()
    assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    other = signed_in(world["kytay"])
    made = create_token(actor=Actor(user=world["kytay"], channel="web"), user=world["kytay"])
    assert client.post(f"/tokens/{made.token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=made.token.pk).revoked_at is None
    bad = other.post("/account/tokens/", {"name": "x", "expires": "abc"})
    assert bad.status_code == 422
    assert ApiToken.objects.filter(user=world["kytay"]).count() == 1
