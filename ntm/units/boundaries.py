"""Boundary GeoJSON for a province: checked feature by feature, matched to units, stored.

The file must be a GeoJSON FeatureCollection in WGS 84 longitude/latitude degrees
(RFC 7946), one Polygon or MultiPolygon feature per commune. Each feature names its
commune by the official code (mã đơn vị hành chính, as in the national catalogue) in the
property ``ma_xa`` or ``code`` (either case). Codes are reused across eras (the 2025 Xã
Kỳ Lạc has the code of the old Lâm Hợp), so the upload states the date its codes refer
to: each code is matched to the commune of the province in force on that date.

A file is refused whole, with every problem found (feature, code, why), or stored whole:
a new upload replaces the province's previous one, which is kept as history. Outlines
are stored simplified (about 20 m) to keep map pages light.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import shapely
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from shapely.geometry import mapping, shape
from shapely.validation import explain_validity

from ntm.audit.services import Actor, Change, record_change
from ntm.core.text import find_bad_text
from ntm.units.models import AdminUnit, BoundaryUpload, UnitBoundary
from ntm.units.nesting import TooDeep, check_json_depth
from ntm.units.selectors import in_force_on
from ntm.units.wording import bad_text_message

#: The largest file accepted.
MAX_BYTES = 20 * 1024 * 1024
#: Properties holding the commune code, in the order they are looked for (any case).
CODE_PROPERTIES = ("ma_xa", "code")
#: Vietnam with its islands, in degrees: longitude 102-118 E, latitude 6-24 N.
LON_RANGE, LAT_RANGE = (102.0, 118.0), (6.0, 24.0)
#: Outlines are simplified to this tolerance (degrees, about 20 m) and 1e-5 precision.
SIMPLIFY_DEGREES = 0.0002
#: At most this many problems are listed; the rest are counted.
MAX_PROBLEMS = 25
SHAPE_TYPES = ("Polygon", "MultiPolygon")


class BoundaryRefused(ValueError):
    """The file is refused; ``problems`` lists every reason, in Vietnamese."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class UploadResult:
    upload: BoundaryUpload
    matched: int
    units_without_shape: int

    def message(self) -> str:
        text = ngettext(
            "Đã lưu ranh giới của %(count)s đơn vị từ tệp “%(name)s”.",
            "Đã lưu ranh giới của %(count)s đơn vị từ tệp “%(name)s”.",
            self.matched,
        ) % {"count": self.matched, "name": self.upload.file_name}
        if self.units_without_shape:
            text += " " + ngettext(
                "%(count)s đơn vị cấp xã của tỉnh không có trong tệp, vẫn hiện bằng điểm.",
                "%(count)s đơn vị cấp xã của tỉnh không có trong tệp, vẫn hiện bằng điểm.",
                self.units_without_shape,
            ) % {"count": self.units_without_shape}
        return text


def normalize_code(value: Any) -> str:
    """ "018850", 18850 and "18850" are the same code; other text is compared as it is."""
    text = str(value).strip()
    if text.isdigit():
        return str(int(text))
    return text.upper()


def default_codes_on(province: AdminUnit) -> date:
    """The province's last day (a pre-2025 province), else today."""
    if province.valid_to is not None:
        return province.valid_to - dt.timedelta(days=1)
    return timezone.localdate()


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.more = 0

    def add(self, text: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(text)
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        if not self.items:
            return
        items = list(self.items)
        if self.more:
            items.append(
                ngettext("… và %(count)s lỗi khác.", "… và %(count)s lỗi khác.", self.more)
                % {"count": self.more}
            )
        raise BoundaryRefused(items)


def _where(index: int, code: str | None) -> str:
    if code:
        return _("Đối tượng thứ %(n)s (mã %(code)s)") % {"n": index, "code": code}
    return _("Đối tượng thứ %(n)s") % {"n": index}


def _text_of(content: bytes, file_name: str) -> str:
    """The file as UTF-8 text, not nested deeper than a boundary file can be."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BoundaryRefused(
            [
                _("Tệp “%(name)s” không phải văn bản UTF-8, nên không phải GeoJSON.")
                % {"name": file_name}
            ]
        ) from None
    try:
        # Before parsing: json recurses once per level (100,000 levels: RecursionError).
        check_json_depth(text)
    except TooDeep as deep:
        raise BoundaryRefused(
            [
                _(
                    "Tệp “%(name)s” lồng nhau quá sâu (hơn %(limit)s cấp, từ dòng %(line)s): một GeoJSON ranh giới chỉ có khoảng 8 cấp. Hãy xuất lại tệp từ phần mềm bản đồ."
                )
                % {"name": file_name, "limit": deep.limit, "line": deep.line}
            ]
        ) from None
    return text


def _json_of(text: str, file_name: str) -> Any:
    """The parsed JSON, with no refused character in its text."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise BoundaryRefused(
            [
                _("Tệp “%(name)s” lồng nhau quá sâu; hãy xuất lại tệp từ phần mềm bản đồ.")
                % {"name": file_name}
            ]
        ) from None
    except json.JSONDecodeError as error:
        raise BoundaryRefused(
            [
                _(
                    "Tệp “%(name)s” không phải JSON hợp lệ: lỗi ở dòng %(line)s, cột %(column)s (%(why)s)."
                )
                % {"name": file_name, "line": error.lineno, "column": error.colno, "why": error.msg}
            ]
        ) from None
    # Only a \u escape makes a refused character (json.loads refuses raw control characters).
    found = find_bad_text(data) if "\\u" in text else None
    if found is not None:
        raise BoundaryRefused(
            [
                _("Tệp “%(name)s”: %(problem)s")
                % {"name": file_name, "problem": bad_text_message(found)}
            ]
        )
    return data


def _features_of(data: Any, file_name: str) -> list[Any]:
    """The features of a FeatureCollection in WGS 84, at least one."""
    kind = data.get("type") if isinstance(data, dict) else None
    if kind != "FeatureCollection":
        found = (
            _("kiểu “%(type)s”") % {"type": kind}
            if isinstance(kind, str)
            else _("không có trường “type”")
        )
        raise BoundaryRefused(
            [
                _(
                    "Tệp “%(name)s” phải là một GeoJSON FeatureCollection (mỗi xã một Feature); tệp này %(found)s."
                )
                % {"name": file_name, "found": found}
            ]
        )
    crs = data.get("crs")
    if isinstance(crs, dict):
        name = str((crs.get("properties") or {}).get("name", ""))
        if name and not any(ok in name.upper() for ok in ("CRS84", "4326")):
            raise BoundaryRefused(
                [
                    _(
                        "Tệp “%(name)s” dùng hệ tọa độ “%(crs)s”; cần WGS 84 (kinh độ, vĩ độ tính bằng độ, EPSG:4326)."
                    )
                    % {"name": file_name, "crs": name}
                ]
            )
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryRefused(
            [_("Tệp “%(name)s” không có đối tượng nào (features trống).") % {"name": file_name}]
        )
    return features


def parse_collection(content: bytes, file_name: str) -> list[Any]:
    """The features of a GeoJSON FeatureCollection, or BoundaryRefused saying why not."""
    text = _text_of(content, file_name)
    return _features_of(_json_of(text, file_name), file_name)


def _code_as_written(feature: dict[str, Any]) -> str | None:
    """The feature's commune code as the file writes it (``ma_xa`` or ``code``, any case)."""
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        return None
    lowered = {str(k).lower(): v for k, v in properties.items()}
    for name in CODE_PROPERTIES:
        value = lowered.get(name)
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


def _feature_code(feature: dict[str, Any]) -> str | None:
    """The feature's commune code, normalized for matching."""
    written = _code_as_written(feature)
    return normalize_code(written) if written is not None else None


def _positions(geometry_type: str, coordinates: Any) -> list[list[list[Any]]] | None:
    """The rings of a Polygon or MultiPolygon, or None if the nesting is wrong."""
    if not isinstance(coordinates, list) or not coordinates:
        return None
    polygons = [coordinates] if geometry_type == "Polygon" else coordinates
    rings = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return None
        for ring in polygon:
            if not isinstance(ring, list):
                return None
            rings.append(ring)
    return rings


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def check_geometry(geometry: Any, where: str) -> tuple[Any, str | None]:
    """A shapely geometry for a feature's GeoJSON geometry, or the reason it is refused."""
    if not isinstance(geometry, dict):
        return None, _("%(where)s: không có hình (geometry trống).") % {"where": where}
    kind = geometry.get("type")
    if kind not in SHAPE_TYPES:
        return None, _(
            "%(where)s: kiểu hình “%(type)s” không dùng được; cần Polygon hoặc MultiPolygon "
            "(ranh giới của xã)."
        ) % {"where": where, "type": kind}
    rings = _positions(kind, geometry.get("coordinates"))
    if rings is None:
        return None, _("%(where)s: tọa độ không đúng cấu trúc của %(type)s.") % {
            "where": where,
            "type": kind,
        }
    for ring in rings:
        if len(ring) < 4:
            return None, _(
                "%(where)s: một vòng ranh giới chỉ có %(count)s điểm; cần ít nhất 4 (điểm cuối "
                "trùng điểm đầu)."
            ) % {"where": where, "count": len(ring)}
        for position in ring:
            if (
                not isinstance(position, list)
                or len(position) not in (2, 3)
                or not all(_is_number(x) for x in position)
            ):
                return None, _(
                    "%(where)s: điểm %(position)s không phải cặp số [kinh độ, vĩ độ]."
                ) % {"where": where, "position": json.dumps(position)[:60]}
        if ring[0][:2] != ring[-1][:2]:
            return None, _(
                "%(where)s: vòng ranh giới không khép kín (điểm cuối phải trùng điểm đầu)."
            ) % {"where": where}
    lons = [p[0] for ring in rings for p in ring]
    lats = [p[1] for ring in rings for p in ring]
    inside = all(LON_RANGE[0] <= x <= LON_RANGE[1] for x in lons) and all(
        LAT_RANGE[0] <= y <= LAT_RANGE[1] for y in lats
    )
    if not inside:
        swapped = all(LAT_RANGE[0] <= x <= LAT_RANGE[1] for x in lons) and all(
            LON_RANGE[0] <= y <= LON_RANGE[1] for y in lats
        )
        sample = f"[{lons[0]:g}, {lats[0]:g}]"
        if swapped:
            return None, _(
                "%(where)s: tọa độ %(sample)s có vẻ bị đảo: GeoJSON ghi [kinh độ, vĩ độ], "
                "ví dụ [105.9, 18.3] ở Hà Tĩnh."
            ) % {"where": where, "sample": sample}
        if any(abs(x) > 180 for x in lons) or any(abs(y) > 90 for y in lats):
            return None, _(
                "%(where)s: tọa độ %(sample)s không phải độ kinh, vĩ (có thể là hệ VN-2000 tính "
                "bằng mét); cần WGS 84."
            ) % {"where": where, "sample": sample}
        return None, _(
            "%(where)s: tọa độ %(sample)s nằm ngoài lãnh thổ Việt Nam (kinh độ 102–118, vĩ độ "
            "6–24)."
        ) % {"where": where, "sample": sample}
    geom = shape(geometry)
    if not geom.is_valid:
        return None, _("%(where)s: hình không hợp lệ (%(why)s).") % {
            "where": where,
            "why": explain_validity(geom),
        }
    return geom, None


def _province_communes(province: AdminUnit, on: date) -> dict[str, AdminUnit]:
    """The commune-level units of the province in force on a date, by normalized code."""
    units = AdminUnit.objects.filter(in_force_on(on), level="commune").filter(
        Q(parent=province) | Q(parent__parent=province)
    )
    return {normalize_code(u.code): u for u in units if u.code}


def _explain_unmatched(codes: list[str], province: AdminUnit, on: date) -> dict[str, str]:
    """Why each code matched nothing: another era of the province, another province, unknown."""
    found: dict[str, str] = {}
    candidates = AdminUnit.objects.filter(level="commune").select_related("parent__parent")
    wanted = set(codes)
    for unit in candidates.filter(code__in=[c.zfill(5) for c in codes] + codes):
        code = normalize_code(unit.code)
        if code not in wanted:
            continue
        top = unit.parent.parent if unit.parent and unit.parent.parent else unit.parent
        if top is not None and top.code == province.code:
            found.setdefault(
                code,
                _("là %(unit)s, có hiệu lực %(validity)s; hãy đổi ngày áp dụng mã")
                % {
                    "unit": unit.name,
                    "validity": _validity(unit),
                },
            )
        else:
            found.setdefault(
                code,
                _("là %(unit)s (%(province)s), không thuộc %(this)s")
                % {
                    "unit": unit.name,
                    "province": top.name if top else "",
                    "this": province.name,
                },
            )
    return found


def _validity(unit: AdminUnit) -> str:
    start = unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else "…"
    end = (unit.valid_to - dt.timedelta(days=1)).strftime("%d/%m/%Y") if unit.valid_to else "nay"
    return f"{start}–{end}"


def match_features(
    features: list[Any], province: AdminUnit, codes_on: date
) -> list[tuple[AdminUnit, Any]]:
    """Check every feature and match it to a commune of the province; refuse on any problem."""
    problems = _Problems()
    communes = _province_communes(province, codes_on)
    seen: dict[str, int] = {}
    matched: list[tuple[AdminUnit, Any]] = []
    unmatched: list[tuple[int, str, str]] = []
    for index, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.add(
                _("%(where)s: không phải một Feature của GeoJSON.") % {"where": _where(index, None)}
            )
            continue
        code = _feature_code(feature)
        written = _code_as_written(feature)
        where = _where(index, written)
        if code is None:
            problems.add(
                _("%(where)s: thiếu thuộc tính mã xã (%(names)s).")
                % {"where": where, "names": ", ".join(CODE_PROPERTIES)}
            )
            continue
        geom, problem = check_geometry(feature.get("geometry"), where)
        if problem:
            problems.add(problem)
            continue
        if code in seen:
            problems.add(
                _("%(where)s: mã %(code)s đã có ở đối tượng thứ %(first)s.")
                % {"where": where, "code": written, "first": seen[code]}
            )
            continue
        seen[code] = index
        unit = communes.get(code)
        if unit is None:
            unmatched.append((index, code, written or code))
            continue
        matched.append((unit, geom))
    if unmatched:
        reasons = _explain_unmatched([c for _i, c, _w in unmatched], province, codes_on)
        for index, code, written in unmatched:
            problems.add(
                _(
                    "%(where)s: không khớp đơn vị cấp xã nào của %(province)s vào ngày %(date)s%(why)s."
                )
                % {
                    "where": _where(index, written),
                    "province": province.name,
                    "date": codes_on.strftime("%d/%m/%Y"),
                    "why": f" ({reasons[code]})" if code in reasons else "",
                }
            )
    problems.raise_if_any()
    return matched


def _stored_geometry(geom: Any) -> dict[str, Any]:
    light = shapely.set_precision(geom.simplify(SIMPLIFY_DEGREES, preserve_topology=True), 1e-5)
    if light.is_empty:
        light = geom
    return json.loads(json.dumps(mapping(light)))


def upload_boundaries(
    *, province: AdminUnit, upload: Any, codes_on: date, actor: Actor
) -> UploadResult:
    """Check a province's boundary GeoJSON and store it whole, replacing the previous one.

    The caller checks who may upload (a coordination office with the province in scope:
    the API and the page, as for every write of units); the upload is audited. Raises
    BoundaryRefused, having changed nothing.
    """
    if province.level != "province":
        raise BoundaryRefused([_("Ranh giới được tải lên cho một tỉnh.")])
    file_name = getattr(upload, "name", "") or "boundaries.geojson"
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise BoundaryRefused([_too_large(file_name, size)])
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise BoundaryRefused([_too_large(file_name, len(content))])
    features = parse_collection(content, file_name)
    matched = match_features(features, province, codes_on)
    shapes = [(unit, _stored_geometry(geom)) for unit, geom in matched]
    with transaction.atomic():
        previous = list(
            BoundaryUpload.objects.select_for_update().filter(province=province, is_current=True)
        )
        BoundaryUpload.objects.filter(pk__in=[p.pk for p in previous]).update(is_current=False)
        record = BoundaryUpload.objects.create(
            province=province,
            codes_on=codes_on,
            file_name=file_name[:255],
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            features=len(features),
            uploaded_by=actor.user
            if actor.user is not None and actor.user.is_authenticated
            else None,
        )
        UnitBoundary.objects.bulk_create(
            [
                UnitBoundary(upload=record, unit=unit, geometry=geometry)
                for unit, geometry in shapes
            ],
            batch_size=500,
        )
        record_change(
            actor,
            Change(
                action="boundaries.upload",
                obj=record,
                unit_id=province.pk,
                unit_label=province.name,
                summary=f"{file_name}: {len(shapes)} ranh giới xã (mã tại {codes_on:%d/%m/%Y})",
                old={"upload": previous[0].pk, "file_name": previous[0].file_name}
                if previous
                else None,
                new={
                    "upload": record.pk,
                    "file_name": record.file_name,
                    "sha256": record.sha256,
                    "units": len(shapes),
                    "codes_on": codes_on.isoformat(),
                },
            ),
        )
    communes = len(_province_communes(province, codes_on))
    return UploadResult(record, len(shapes), max(communes - len(shapes), 0))


def _too_large(file_name: str, size: int) -> str:
    return _("Tệp “%(name)s” quá lớn: %(size)s MB; tối đa %(max)s MB.") % {
        "name": file_name,
        "size": number_format(round(size / 1024 / 1024, 1), use_l10n=True),
        "max": MAX_BYTES // (1024 * 1024),
    }


def shapes_for(unit_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The current outline of each unit that has one, in one query."""
    if not unit_ids:
        return {}
    current = UnitBoundary.objects.filter(upload__is_current=True)
    if len(unit_ids) <= 1000:  # a long list of ids costs more than the few shapes it saves
        current = current.filter(unit_id__in=unit_ids)
    wanted = set(unit_ids)
    return {
        unit_id: geometry
        for unit_id, geometry in current.values_list("unit_id", "geometry")
        if unit_id in wanted
    }


def uploads_of(province: AdminUnit) -> list[BoundaryUpload]:
    """Every upload of the province, newest first, with who sent it."""
    return list(
        BoundaryUpload.objects.filter(province=province)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-id")
    )
