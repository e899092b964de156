"""Small hand-made units (a corner of Hà Tĩnh before 2025) and persona users."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from ntm.core.hierarchy import REFORM_2025
from ntm.units.models import KIND_LEVEL, AdminUnit, KindChoices, ReorganizationEvent, Succession
from ntm.units.services import default_short_name


def make_unit(
    name: str,
    kind: str,
    parent: AdminUnit | None = None,
    *,
    code: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = REFORM_2025,
    **fields,
) -> AdminUnit:
    return AdminUnit.objects.create(
        name=name,
        short_name=default_short_name(name),
        kind=kind,
        level=KIND_LEVEL[KindChoices(kind)].value,
        parent=parent,
        code=code,
        valid_from=valid_from,
        valid_to=valid_to,
        source="user",
        **fields,
    )


@pytest.fixture
def ha_tinh(db):
    """Tỉnh Hà Tĩnh > Thạch Hà (2 communes), Lộc Hà (2 communes, 3 villages), Kỳ Anh (2)."""
    province = make_unit("Tỉnh Hà Tĩnh", "province", code="42", region="BTB")
    city = make_unit("Thành phố Hà Tĩnh", "provincial_city", province, code="436", region="BTB")
    thach_ha = make_unit("Huyện Thạch Hà", "rural_district", province, code="445", region="BTB")
    loc_ha = make_unit("Huyện Lộc Hà", "rural_district", province, code="448", region="BTB")
    ky_anh = make_unit("Huyện Kỳ Anh", "rural_district", province, code="447", region="BTB")
    thach_kim = make_unit("Xã Thạch Kim", "commune", thach_ha, code="18500", region="BTB")
    thach_hai = make_unit("Xã Thạch Hải", "commune", thach_ha, code="18501", region="BTB")
    thach_chau = make_unit("Xã Thạch Châu", "commune", loc_ha, code="18600", region="BTB")
    ho_do = make_unit("Xã Hộ Độ", "commune", loc_ha, code="18601", region="BTB")
    ky_lac = make_unit("Xã Kỳ Lạc", "commune", ky_anh, code="18850", region="BTB")
    ky_tay = make_unit("Xã Kỳ Tây", "commune", ky_anh, code="18793", region="BTB")
    village = "village"
    return SimpleNamespace(
        province=province,
        city=city,
        thach_ha=thach_ha,
        loc_ha=loc_ha,
        ky_anh=ky_anh,
        thach_kim=thach_kim,
        thach_hai=thach_hai,
        thach_chau=thach_chau,
        ho_do=ho_do,
        ky_lac=ky_lac,
        ky_tay=ky_tay,
        thon_bac=make_unit("Thôn Bắc", village, thach_chau, valid_from=dt.date(2010, 1, 1)),
        thon_nam=make_unit("Thôn Nam", village, thach_chau),
        xom_1=make_unit("Xóm 1", "hamlet", ho_do),
    )


def snapshot() -> tuple[list, list, list]:
    """Every unit, event and succession as plain values, to show that nothing changed."""
    return (
        list(
            AdminUnit.objects.order_by("id").values_list(
                "id", "code", "name", "kind", "parent_id", "valid_from", "valid_to", "region"
            )
        ),
        list(ReorganizationEvent.objects.order_by("id").values_list("id", "kind")),
        list(
            Succession.objects.order_by("id").values_list(
                "id", "event_id", "predecessor_id", "successor_id", "is_partial"
            )
        ),
    )


@pytest.fixture
def staff(django_user_model):
    """A national administrator: records reorganizations anywhere."""
    from ntm.accounts.models import Profile, RoleChoices

    user = django_user_model.objects.create_user(username="vpdp", password="not-used-here")
    Profile.objects.create(user=user, unit=None, role=RoleChoices.ADMINISTRATOR)
    return user


@pytest.fixture
def officer(django_user_model):
    """A signed-in user without a role."""
    return django_user_model.objects.create_user(username="xa", password="not-used-here")
