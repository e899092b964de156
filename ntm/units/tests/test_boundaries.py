"""Boundary GeoJSON uploads: every refusal says why and changes nothing; a good file is
stored whole, replaces the previous one, and is audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ntm.audit.models import AuditEntry
from ntm.audit.services import Actor
from ntm.dashboards.tests.dashboard_data import make_province
from ntm.testing import make_user
from ntm.units import boundaries
from ntm.units.models import AdminUnit, BoundaryUpload, UnitBoundary

pytestmark = pytest.mark.django_db

D = dt.date
CODES_ON = D(2021, 12, 31)


def square(lon: float, lat: float, size: float = 0.02) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(code, geometry, prop="ma_xa") -> dict:
    return {"type": "Feature", "properties": {prop: code, "ten": "x"}, "geometry": geometry}


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def upload_file(data, name="ha-tinh.geojson") -> SimpleUploadedFile:
    content = data if isinstance(data, bytes) else json.dumps(data).encode()
    return SimpleUploadedFile(name, content, content_type="application/geo+json")


GOOD = collection(
    feature("18850", square(106.24, 18.01)),
    feature(18793, square(106.17, 18.04), prop="CODE"),  # a number, another property name
    feature("018838", square(106.09, 17.99)),  # leading zero: the same code
)


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    # Test users need no slow password hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def units(tmp_path):
    return make_province(tmp_path)


@pytest.fixture
def office(units):
    return make_user("hatinh", role="approver", unit=units["province"])


def upload(units, user, data, codes_on=CODES_ON, name="ha-tinh.geojson"):
    return boundaries.upload_boundaries(
        province=units["province"],
        upload=upload_file(data, name),
        codes_on=codes_on,
        actor=Actor(user, "127.0.0.1", "web"),
    )


def nothing_stored() -> bool:
    return (
        not BoundaryUpload.objects.exists()
        and not UnitBoundary.objects.exists()
        and not AuditEntry.objects.filter(action="boundaries.upload").exists()
    )


def test_a_good_file_is_stored_matched_by_code_and_audited(units, office):
    result = upload(units, office, GOOD)
    stored = BoundaryUpload.objects.get()
    assert (stored.province, stored.codes_on, stored.features, stored.uploaded_by) == (
        units["province"],
        CODES_ON,
        3,
        office,
    )
    assert stored.is_current and stored.file_name == "ha-tinh.geojson"
    assert len(stored.sha256) == 64
    shapes = boundaries.shapes_for([units["ky_lac"].pk, units["ky_tay"].pk, units["lam_hop"].pk])
    assert sorted(shapes) == sorted([units["ky_lac"].pk, units["ky_tay"].pk, units["lam_hop"].pk])
    assert shapes[units["ky_lac"].pk]["type"] == "Polygon"
    # Not in the file: Thạch Hải, Thạch Bàn and the ward Sông Trí (shown as points).
    assert (result.matched, result.units_without_shape) == (3, 3)
    assert "3 đơn vị" in result.message()
    entry = AuditEntry.objects.get(action="boundaries.upload")
    assert (entry.actor, entry.unit_id, entry.channel) == (office, units["province"].pk, "web")
    assert entry.new["units"] == 3 and entry.new["codes_on"] == "2021-12-31"
    assert entry.old is None


def test_a_new_file_replaces_the_previous_one_which_stays_in_history(units, office):
    upload(units, office, GOOD, name="first.geojson")
    upload(units, office, collection(feature("18850", square(106.3, 18.1))), name="second.json")
    first, second = BoundaryUpload.objects.order_by("id")
    assert (first.is_current, second.is_current) == (False, True)
    shapes = boundaries.shapes_for([units["ky_lac"].pk, units["ky_tay"].pk])
    assert list(shapes) == [units["ky_lac"].pk]
    assert [106.3, 18.1] in shapes[units["ky_lac"].pk]["coordinates"][0]
    entry = AuditEntry.objects.filter(action="boundaries.upload").order_by("id").last()
    assert entry.old == {"upload": first.pk, "file_name": "first.geojson"}


@pytest.mark.parametrize(
    "data, message",
    [
        pytest.param(b"\xff\xfe\x00garbage", "không phải văn bản UTF-8", id="not-text"),
        pytest.param(b'{"type": "FeatureCollection",', "không phải JSON hợp lệ: lỗi ở dòng 1",
                     id="not-json"),
        pytest.param(feature("18850", square(106.2, 18.0)),
                     "phải là một GeoJSON FeatureCollection (mỗi xã một Feature); tệp này kiểu "
                     "“Feature”", id="a-single-feature"),
        pytest.param([1, 2], "tệp này không có trường “type”", id="a-list"),
        pytest.param(collection(), "không có đối tượng nào", id="no-features"),
        pytest.param({**GOOD, "crs": {"type": "name", "properties": {"name": "EPSG:3405"}}},
                     "dùng hệ tọa độ “EPSG:3405”; cần WGS 84", id="projected-crs"),
        pytest.param(collection({"type": "Polygon", "coordinates": []}),
                     "Đối tượng thứ 1: không phải một Feature của GeoJSON", id="not-a-feature"),
        pytest.param(collection(feature("18850", {"type": "Point", "coordinates": [106.2, 18.0]})),
                     "Đối tượng thứ 1 (mã 18850): kiểu hình “Point” không dùng được; cần Polygon "
                     "hoặc MultiPolygon", id="point"),
        pytest.param(collection(feature("18850", None)), "không có hình (geometry trống)",
                     id="no-geometry"),
        pytest.param(collection(feature("18850", {"type": "Polygon", "coordinates": [[1, 2]]})),
                     "chỉ có 2 điểm; cần ít nhất 4", id="short-ring"),
        pytest.param(collection(feature("18850", {"type": "Polygon", "coordinates": 5})),
                     "tọa độ không đúng cấu trúc của Polygon", id="bad-nesting"),
        pytest.param(collection(feature("18850", {"type": "Polygon", "coordinates": [[
                         [106.2, 18.0], [106.3, "18"], [106.3, 18.1], [106.2, 18.0]]]})),
                     'điểm [106.3, "18"] không phải cặp số [kinh độ, vĩ độ]', id="text-coordinate"),
        pytest.param(collection(feature("18850", {"type": "Polygon", "coordinates": [[
                         [106.2, 18.0], [106.3, 18.0], [106.3, 18.1], [106.2, 18.1]]]})),
                     "vòng ranh giới không khép kín", id="open-ring"),
        pytest.param(collection(feature("18850", square(18.01, 106.24))),
                     "tọa độ [18.01, 106.24] có vẻ bị đảo: GeoJSON ghi [kinh độ, vĩ độ]",
                     id="lat-lon-swapped"),
        pytest.param(collection(feature("18850", square(2.35, 48.85))),
                     "tọa độ [2.35, 48.85] nằm ngoài lãnh thổ Việt Nam", id="paris"),
        pytest.param(collection(feature("18850", square(560000.0, 1990000.0, 500))),
                     "không phải độ kinh, vĩ (có thể là hệ VN-2000 tính bằng mét)", id="metres"),
        pytest.param(collection(feature("18850", {"type": "Polygon", "coordinates": [[
                         [106.2, 18.0], [106.3, 18.1], [106.3, 18.0], [106.2, 18.1],
                         [106.2, 18.0]]]})),
                     "Đối tượng thứ 1 (mã 18850): hình không hợp lệ (Self-intersection",
                     id="bow-tie"),
        pytest.param(collection({"type": "Feature", "properties": {"ten": "Kỳ Lạc"},
                                 "geometry": square(106.2, 18.0)}),
                     "Đối tượng thứ 1: thiếu thuộc tính mã xã (ma_xa, code)", id="no-code"),
        pytest.param(collection(feature("18850", square(106.2, 18.0)),
                                feature("18850", square(106.3, 18.0))),
                     "Đối tượng thứ 2 (mã 18850): mã 18850 đã có ở đối tượng thứ 1",
                     id="duplicate-code"),
        pytest.param(collection(feature("99999", square(106.2, 18.0))),
                     "Đối tượng thứ 1 (mã 99999): không khớp đơn vị cấp xã nào của Tỉnh Hà Tĩnh "
                     "vào ngày 31/12/2021.", id="unknown-code"),
    ],
)  # fmt: skip
def test_a_bad_file_is_refused_with_the_reason_and_nothing_is_stored(units, office, data, message):
    with pytest.raises(boundaries.BoundaryRefused) as refused:
        upload(units, office, data)
    assert any(message in p for p in refused.value.problems), refused.value.problems
    assert nothing_stored()


def test_every_problem_is_listed_not_only_the_first(units, office):
    data = collection(
        feature("18850", square(106.24, 18.01)),
        feature("18793", {"type": "Point", "coordinates": [106.2, 18.0]}),
        feature("77777", square(106.2, 18.0)),
    )
    with pytest.raises(boundaries.BoundaryRefused) as refused:
        upload(units, office, data)
    assert len(refused.value.problems) == 2
    assert refused.value.problems[0].startswith("Đối tượng thứ 2 (mã 18793)")
    assert refused.value.problems[1].startswith("Đối tượng thứ 3 (mã 77777)")
    assert nothing_stored()


def test_a_code_of_another_province_or_era_is_named(units, office):
    other = AdminUnit.objects.create(
        name="Tỉnh Nghệ An", short_name="Nghệ An", code="40", kind="province", level="province",
        source="user",
    )  # fmt: skip
    AdminUnit.objects.create(
        name="Xã Nghi Lộc", short_name="Nghi Lộc", code="17000", kind="commune", level="commune",
        parent=other, source="user",
    )  # fmt: skip
    data = collection(feature("17000", square(105.6, 18.8)), feature("18838", square(106.1, 18.0)))
    with pytest.raises(boundaries.BoundaryRefused) as refused:
        upload(units, office, data, codes_on=D(2019, 6, 30))
    first, second = refused.value.problems
    assert "(là Xã Nghi Lộc (Tỉnh Nghệ An), không thuộc Tỉnh Hà Tĩnh)" in first
    # Lâm Hợp's code, on a day before Lâm Hợp existed (from 1/12/2019).
    assert "là Xã Lâm Hợp, có hiệu lực 01/12/2019–30/06/2025; hãy đổi ngày áp dụng mã" in second
    assert nothing_stored()


def test_a_file_over_the_limit_is_refused_before_it_is_read(units, office, monkeypatch):
    monkeypatch.setattr(boundaries, "MAX_BYTES", 2 * 1024 * 1024)
    big = collection(*[feature(str(n), square(106.2, 18.0)) for n in range(25000)])
    with pytest.raises(boundaries.BoundaryRefused) as refused:
        upload(units, office, big, name="big.geojson")
    assert refused.value.problems[0].startswith("Tệp “big.geojson” quá lớn:")
    assert refused.value.problems[0].endswith("MB; tối đa 2 MB.")
    assert nothing_stored()


@pytest.mark.parametrize(
    "role, where",
    [("viewer", "province"), ("data_entry", "province"), ("verifier", "province"),
     ("approver", "district")],
)  # fmt: skip
def test_only_a_coordination_office_of_the_province_may_upload(client, units, role, where):
    # The API and the page check who may upload; the service below them does not.
    client.force_login(make_user("someone", role=role, unit=units[where]))
    province = units["province"].pk
    api = client.post(f"/api/boundaries/{province}", {"file": upload_file(GOOD)})
    assert api.status_code == (403 if where == "province" else 404), api.content
    page = client.post(f"/units/{province}/boundaries/", {"file": upload_file(GOOD)})
    assert page.status_code in (403, 404)
    assert nothing_stored()


def test_codes_are_read_from_either_property_in_any_case():
    assert boundaries._feature_code({"properties": {"MA_XA": "018850"}}) == "18850"
    assert boundaries._feature_code({"properties": {"Code": 18850}}) == "18850"
    assert boundaries._feature_code({"properties": {"ma_xa": " ", "code": "18850"}}) == "18850"
    assert boundaries._feature_code({"properties": {"ten": "Kỳ Lạc"}}) is None


def test_messages_quote_the_code_as_the_file_writes_it(units, office):
    data = collection(feature("00001", {"type": "Point", "coordinates": [105.8, 21.0]}))
    with pytest.raises(boundaries.BoundaryRefused) as refused:
        upload(units, office, data)
    assert refused.value.problems[0].startswith("Đối tượng thứ 1 (mã 00001): kiểu hình “Point”")
