"""Who may give a user a department, and which verifiers act for their department.

Found attacking ntm (issue 9, §1): the Kỳ Anh district office could create a verifier of
the province's transport department, whose verifications then counted as the
department's own. A department is given only by the office owning it, a verifier works
at their department's unit, and a verifier outside these rules verifies nothing.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from ntm.accounts.membership import assignable_departments, verifier_department_id
from ntm.accounts.models import Profile
from ntm.accounts.permissions import WriteDenied
from ntm.accounts.services import UserAdminError, UserData, create_user, update_user
from ntm.approvals import approval
from ntm.approvals.models import CriterionVerification
from ntm.approvals.tests.approval_world import PERIOD, World, world
from ntm.audit.models import AuditEntry
from ntm.audit.services import Actor
from ntm.testing import make_user
from ntm.units.models import Department, Succession

__all__ = ["world"]
User = get_user_model()
JSON = "application/json"


def state() -> tuple:
    return (
        sorted(User.objects.values_list("username", "is_active", "first_name")),
        sorted(Profile.objects.values_list("user__username", "role", "unit_id", "department_id")),
        AuditEntry.objects.count(),
    )


def create(w: World, who: str, username: str, *, unit, role: str, department=None):
    return create_user(
        actor=w.actor(who),
        username=username,
        data=UserData(full_name="", email="", unit=unit, role=role, department=department),
    )


def refused(call, match: str) -> UserAdminError:
    before = state()
    with pytest.raises(UserAdminError) as raised:
        call()
    assert match in raised.value.message, raised.value.message
    assert raised.value.field == "department"
    assert state() == before
    return raised.value


def as_token_client(user) -> Client:
    from ntm.accounts.services import create_token

    key = create_token(actor=Actor(user=None, channel="cli"), user=user).key
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


# --------------------------------------------------------------------------- creating


def test_a_district_office_cannot_mint_a_verifier_of_the_provinces_department_by_api(world):
    """The attack as found: POST /api/users with the district and the province's department."""
    before = state()
    response = as_token_client(world.users["kyanh"]).post(
        "/api/users",
        json.dumps({"username": "gtvt_fake", "role": "verifier",
                    "unit_id": world.units["district"].pk, "department_id": world.gtvt.pk}),
        content_type=JSON,
    )  # fmt: skip
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["field"] == "department"
    assert "Chỉ văn phòng điều phối của Tỉnh Hà Tĩnh (hoặc cấp trên)" in body["detail"]
    assert "Sở Giao thông Vận tải Hà Tĩnh" in body["detail"]
    assert not User.objects.filter(username="gtvt_fake").exists()
    # Only the token creation of the test client was audited; no user, no profile.
    assert state()[:2] == before[:2]


def test_a_district_office_cannot_give_the_provinces_department_to_any_role(world):
    for role in ("viewer", "data_entry", "verifier"):
        refused(
            lambda role=role: create(
                world,
                "kyanh",
                f"x_{role}",
                unit=world.units["ky_lac"],
                role=role,
                department=world.gtvt,
            ),  # fmt: skip
            "Chỉ văn phòng điều phối của Tỉnh Hà Tĩnh",
        )


def test_the_province_office_makes_its_verifier_at_the_province_only(world):
    made = create(world, "hatinh", "gtvt2", unit=world.units["province"], role="verifier",
                  department=world.gtvt)  # fmt: skip
    assert made.profile.department == world.gtvt
    refused(
        lambda: create(
            world,
            "hatinh",
            "gtvt3",
            unit=world.units["district"],
            role="verifier",
            department=world.gtvt,
        ),  # fmt: skip
        "hãy chọn đơn vị Tỉnh Hà Tĩnh (đã chọn: Huyện Kỳ Anh)",
    )


def test_across_the_2025_reform_hatinh_is_one_office_for_its_departments(world):
    """Hà Tĩnh before and after 1 July 2025 are two units with one office."""
    old, new = world.units["province"], world.units["province_2025"]
    event = _merge_event()
    Succession.objects.create(event=event, predecessor=old, successor=new)
    Succession.objects.create(
        event=event, predecessor=world.units["ky_lac"], successor=world.units["new_ky_lac"]
    )
    made = create(world, "hatinh", "gtvt_2025", unit=new, role="verifier", department=world.gtvt)
    assert verifier_department_id(made) == world.gtvt.pk
    new_dept = Department.objects.create(unit=new, name="Sở Xây dựng Hà Tĩnh", sector="transport")
    also = create(world, "hatinh", "sxd", unit=old, role="verifier", department=new_dept)
    assert verifier_department_id(also) == new_dept.pk
    # A commune of the new era may belong to a department of the old province row.
    create(world, "hatinh", "xa_moi", unit=world.units["new_ky_lac"], role="data_entry",
           department=world.gtvt)  # fmt: skip
    # Kỳ Anh's scope follows its communes into 2025, never up to the province.
    refused(
        lambda: create(
            world,
            "kyanh",
            "x2025",
            unit=world.units["new_ky_lac"],
            role="viewer",
            department=new_dept,
        ),  # fmt: skip
        "Chỉ văn phòng điều phối của Tỉnh Hà Tĩnh",
    )


def _merge_event():
    from ntm.core.hierarchy import REFORM_2025
    from ntm.units.models import ReorganizationEvent

    return ReorganizationEvent.objects.create(
        kind="merge", effective_date=REFORM_2025, source="user"
    )


def test_a_department_of_another_province_is_refused_even_to_a_national_administrator(world):
    th_gtvt = Department.objects.get(name="Sở Giao thông Vận tải Thanh Hóa")
    refused(
        lambda: create(
            world,
            "hatinh",
            "th1",
            unit=world.units["ky_lac"],
            role="data_entry",
            department=th_gtvt,
        ),  # fmt: skip
        "Chỉ văn phòng điều phối của Tỉnh Thanh Hóa",
    )
    admin = make_user("quantri", role="administrator", unit=None)
    world.users["quantri"] = admin
    refused(
        lambda: create(
            world,
            "quantri",
            "th2",
            unit=world.units["province"],
            role="verifier",
            department=th_gtvt,
        ),  # fmt: skip
        "hãy chọn đơn vị Tỉnh Thanh Hóa",
    )
    refused(
        lambda: create(
            world, "quantri", "th3", unit=world.units["ky_lac"], role="viewer", department=th_gtvt
        ),  # fmt: skip
        "thuộc Tỉnh Thanh Hóa, không phải đơn vị đã chọn hay cấp trên",
    )
    made = create(world, "quantri", "th4", unit=world.units["thanh_hoa"], role="verifier",
                  department=th_gtvt)  # fmt: skip
    assert verifier_department_id(made) == th_gtvt.pk


def test_a_district_gives_its_own_departments_and_roles_up_to_its_own(world):
    own = Department.objects.create(unit=world.units["district"], name="Phòng Kinh tế Kỳ Anh")
    made = create(world, "kyanh", "pkt", unit=world.units["district"], role="verifier",
                  department=own)  # fmt: skip
    assert verifier_department_id(made) == own.pk
    before = state()
    with pytest.raises(UserAdminError) as raised:
        create(world, "kyanh", "boss", unit=world.units["district"], role="administrator")
    assert raised.value.field == "role" and state() == before
    with pytest.raises(UserAdminError) as raised:
        create(world, "kyanh", "tinh", unit=world.units["province"], role="viewer")
    assert raised.value.field == "unit" and state() == before


def test_the_departments_offered_are_those_the_office_owns(world):
    assert list(assignable_departments(world.users["kyanh"])) == []
    names = {d.name for d in assignable_departments(world.users["hatinh"])}
    assert names == {"Sở Giao thông Vận tải Hà Tĩnh", "Sở Y tế Hà Tĩnh"}
    client = Client()
    client.force_login(world.users["kyanh"])
    page = client.get("/users/new/").content.decode()
    assert "Sở Giao thông Vận tải Hà Tĩnh" not in page


# --------------------------------------------------------------------------- updating


def test_a_district_office_cannot_move_a_user_into_the_provinces_department(world):
    kylac = world.users["kylac"]
    for role in ("data_entry", "verifier"):
        refused(
            lambda role=role: update_user(
                actor=world.actor("kyanh"),
                user=kylac,
                data=UserData(
                    full_name="",
                    email="",
                    unit=world.units["ky_lac"],
                    role=role,
                    department=world.gtvt,
                ),
            ),  # fmt: skip
            "Chỉ văn phòng điều phối của Tỉnh Hà Tĩnh",
        )
    response = as_token_client(world.users["kyanh"]).patch(
        f"/api/users/{kylac.pk}",
        json.dumps({"role": "verifier", "department_id": world.gtvt.pk}),
        content_type=JSON,
    )
    assert response.status_code == 422 and response.json()["field"] == "department"
    assert Profile.objects.get(user=kylac).department_id is None


def test_an_unchanged_department_given_above_still_lets_the_district_edit_the_user(world):
    kylac = world.users["kylac"]
    update_user(
        actor=world.actor("hatinh"), user=kylac,
        data=UserData(full_name="", email="", unit=world.units["ky_lac"], role="data_entry",
                      department=world.gtvt),
    )  # fmt: skip
    update_user(
        actor=world.actor("kyanh"), user=kylac,
        data=UserData(full_name="Cán bộ xã", email="", unit=world.units["ky_lac"],
                      role="data_entry", department=world.gtvt),
    )  # fmt: skip
    assert User.objects.get(pk=kylac.pk).first_name == "Cán bộ xã"
    # ... but not make them the department's verifier (their unit is not the department's).
    refused(
        lambda: update_user(
            actor=world.actor("kyanh"),
            user=kylac,
            data=UserData(
                full_name="",
                email="",
                unit=world.units["ky_lac"],
                role="verifier",
                department=world.gtvt,
            ),
        ),  # fmt: skip
        "hãy chọn đơn vị Tỉnh Hà Tĩnh (đã chọn: Xã Kỳ Lạc)",
    )


# --------------------------------------------------------------------------- verifying


def test_a_verifier_outside_the_rules_verifies_nothing_for_the_department(world):
    """A verifier minted before the rules (or in the admin) no longer acts for the department."""
    fake = make_user("gtvt_fake", role="verifier", unit=world.units["district"])
    Profile.objects.filter(user=fake).update(department=world.gtvt)
    fake = User.objects.get(pk=fake.pk)
    assert verifier_department_id(fake) is None
    assert verifier_department_id(world.users["sogtvt"]) == world.gtvt.pk
    submission = approval.submit_period(
        unit=world.units["ky_lac"], criteria_set=world.criteria_set, period=PERIOD,
        actor=world.actor("kylac"),
    )  # fmt: skip
    rows = list(CriterionVerification.objects.order_by("pk").values())
    with pytest.raises(WriteDenied) as raised:
        approval.verify_criteria(
            submission=submission, numbers=["2"], actor=Actor(fake, channel="api")
        )
    assert "không thuộc đơn vị của sở, ngành đó (Tỉnh Hà Tĩnh)" in str(raised.value)
    assert list(CriterionVerification.objects.order_by("pk").values()) == rows
    rows_now = approval.current_round(submission)
    assert approval.allowed_actions(fake, submission.unit, submission, rows_now).verify == []
    done = approval.verify_criteria(
        submission=submission, numbers=["2"], actor=world.actor("sogtvt")
    )
    assert [(r.number, r.on_behalf) for r in done] == [("2", False)]


def test_another_provinces_office_gives_neither_a_unit_nor_a_department_of_ha_tinh(world):
    before = state()
    with pytest.raises(UserAdminError) as raised:
        create(world, "thanhhoa", "ht1", unit=world.units["ky_lac"], role="viewer")
    assert raised.value.field == "unit" and state() == before
    refused(
        lambda: create(
            world,
            "thanhhoa",
            "ht2",
            unit=world.units["thanh_hoa"],
            role="viewer",
            department=world.gtvt,
        ),  # fmt: skip
        "Chỉ văn phòng điều phối của Tỉnh Hà Tĩnh",
    )


def test_whoever_runs_the_server_sets_up_accounts_under_the_same_rules(world):
    """The command line and the system (the demo) set up any account, with the password,
    superuser flag and demo mark only they give, audited; the membership rules still hold,
    and no signed-in office nor a userless web request may provision."""
    from ntm.accounts.services import provision_account

    server = Actor(user=None, channel="system")
    data = UserData(full_name="Sở GTVT", email="", unit=world.units["province"],
                    role="verifier", department=world.gtvt)  # fmt: skip
    made = provision_account(actor=server, username="gtvt9", data=data, password="pw-9-long",
                             is_demo=True)  # fmt: skip
    made = User.objects.select_related("profile").get(pk=made.pk)
    assert made.check_password("pw-9-long") and made.profile.is_demo and not made.is_superuser
    assert verifier_department_id(made) == world.gtvt.pk
    entries = AuditEntry.objects.filter(object_type="auth.user", object_id=str(made.pk))
    assert sorted(entries.values_list("action", flat=True)) == ["user.create", "user.provision"]
    again = provision_account(actor=server, username="gtvt9", data=data, password="pw-9-long",
                              is_demo=True)  # fmt: skip
    assert again.pk == made.pk and entries.count() == 2  # nothing changed, nothing written
    refused(
        lambda: provision_account(
            actor=server,
            username="gtvt10",
            password="x",
            data=UserData(
                full_name="",
                email="",
                unit=world.units["district"],
                role="verifier",
                department=world.gtvt,
            ),
        ),  # fmt: skip
        "hãy chọn đơn vị Tỉnh Hà Tĩnh (đã chọn: Huyện Kỳ Anh)",
    )
    for actor in (world.actor("hatinh"), Actor(user=None, channel="web")):
        with pytest.raises(WriteDenied):
            provision_account(actor=actor, username="x9", data=data, password="x")
