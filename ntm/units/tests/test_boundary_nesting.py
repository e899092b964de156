"""A GeoJSON nested 100,000 levels deep is refused before it is parsed (it was a 500)."""

from __future__ import annotations

import pytest

from ntm.units import boundaries
from ntm.units.nesting import MAX_DEPTH, TooDeep, check_json_depth
from ntm.units.tests.test_boundaries import nothing_stored, office, units, upload  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_geojson_nested_100000_levels_is_refused_with_the_line(units, office):  # noqa: F811
    deep = (
        b'{"type": "FeatureCollection",\n"features": [{"type": "Feature", "geometry": '
        b'{"type": "Polygon", "coordinates": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}]}"
    )
    with pytest.raises(boundaries.BoundaryRefused) as refused:
        upload(units, office, deep, name="sau.geojson")
    assert refused.value.problems == [
        f"Tệp “sau.geojson” lồng nhau quá sâu (hơn {MAX_DEPTH} cấp, từ dòng 2): một GeoJSON "
        "ranh giới chỉ có khoảng 8 cấp. Hãy xuất lại tệp từ phần mềm bản đồ."
    ]
    assert nothing_stored()


def test_brackets_inside_strings_do_not_count_and_real_geometry_passes():
    text = '{"name": "' + "[" * 1000 + '\\"[[["}' + ', "c": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH
    check_json_depth(text + "}")
    with pytest.raises(TooDeep):
        check_json_depth('{"c": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}")
