"""A criteria YAML nested deeper than any real set, or holding a value YAML cannot read,
is refused with the file and the line (it took a minute of CPU, then a 500)."""

from __future__ import annotations

import pytest

from ntm.criteria.exchange import ImportRefused, import_yaml
from ntm.units.nesting import MAX_DEPTH

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("content", "line"),
    [
        pytest.param("id: x\nversion: 1\ncriteria: " + "[" * 20_000 + "]" * 20_000, 3, id="flow"),
        pytest.param(
            "id: x\n" + "".join(" " * level + "k:\n" for level in range(200)), 66, id="block"
        ),
        pytest.param("id: x\nlist: " + "- " * 20_000 + "x\n", 2, id="compact-sequences"),
    ],
)
def test_a_deeply_nested_file_is_refused_before_parsing_with_its_line(world, content, line):
    with pytest.raises(ImportRefused) as caught:
        import_yaml(content.encode(), filename="sau.yaml", actor=world.actors["hatinh"])
    assert caught.value.line == line
    assert str(caught.value) == (
        f"sau.yaml, dòng {line}: tệp lồng nhau quá sâu (hơn {MAX_DEPTH} cấp): một bộ tiêu chí "
        "chỉ có khoảng 10 cấp; hãy kiểm tra các dấu ngoặc [ ] { } và thụt lề"
    )


def test_a_value_yaml_cannot_hold_is_refused_not_a_500(world):
    with pytest.raises(ImportRefused) as caught:
        import_yaml(
            b"id: x\nversion: 1\nperiod: 2021-13-45\n",
            filename="ngay.yaml",
            actor=world.actors["hatinh"],
        )
    assert str(caught.value) == (
        "ngay.yaml: giá trị không đọc được (month must be in 1..12): hãy viết ngày dạng 2021-12-31"
    )
