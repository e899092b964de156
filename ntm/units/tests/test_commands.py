"""`ntm units stats|show|search`: output shapes and clear refusals (`units load`: test_package)."""

import json
import os
import subprocess
import sys

import pytest

from ntm import cli
from ntm.core.hierarchy import REFORM_2025
from ntm.testing import make_ky_anh
from ntm.units.models import ReorganizationEvent, Succession

pytestmark = pytest.mark.django_db


@pytest.fixture
def ky_anh():
    units = make_ky_anh()
    event = ReorganizationEvent.objects.create(
        kind="merge", effective_date=REFORM_2025, source="user", issuer="Ủy ban Thường vụ Quốc hội"
    )
    for old in (units["ky_lac"], units["lam_hop"]):
        Succession.objects.create(event=event, predecessor=old, successor=units["new_ky_lac"])
    return units


def run(capsys, *argv):
    code = cli.main(["units", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_stats_json_counts_every_level_of_both_eras(ky_anh, capsys):
    code, out, err = run(capsys, "stats", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "before-2025": {"province": 1, "district": 1, "commune": 3, "village": 0},
        "from-2025": {"province": 1, "district": 0, "commune": 1, "village": 0},
    }


def test_stats_text_is_a_table(ky_anh, capsys):
    code, out, _ = run(capsys, "stats")
    assert code == 0
    assert out.splitlines() == [
        "              province  district   commune   village",
        "before-2025          1         1         3         0",
        "from-2025            1         0         1         0",
    ]


def test_show_json_of_the_2025_unit_lists_its_predecessors(ky_anh, capsys):
    code, out, err = run(capsys, "show", "18838", "--era", "from-2025", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data == {
        "id": ky_anh["new_ky_lac"].pk,
        "code": "18838",
        "name": "Xã Kỳ Lạc",
        "short_name": "Kỳ Lạc",
        "kind": "commune",
        "level": "commune",
        "era": "from-2025",
        "valid_from": "2025-07-01",
        "valid_to": None,
        "region": None,
        "commune_group": 2,
        "parent": {"code": "42", "name": "Tỉnh Hà Tĩnh", "level": "province"},
        "predecessors": [
            {
                "code": "18850",
                "name": "Xã Kỳ Lạc",
                "level": "commune",
                "valid_from": None,
                "valid_to": "2025-07-01",
                "event": {"kind": "merge", "date": "2025-07-01", "legal_act": None},
                "is_partial": False,
            },
            {
                "code": "18838",
                "name": "Xã Lâm Hợp",
                "level": "commune",
                "valid_from": "2019-12-01",
                "valid_to": "2025-07-01",
                "event": {"kind": "merge", "date": "2025-07-01", "legal_act": None},
                "is_partial": False,
            },
        ],
        "successors": [],
    }


def test_show_text_names_the_unit_parent_and_successor(ky_anh, capsys):
    code, out, _ = run(capsys, "show", "18838", "--as-of", "2021-09-25")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Xã Lâm Hợp (18838) — commune, commune, before-2025"
    assert "  thuộc Huyện Kỳ Anh (447, district)" in lines
    assert lines[-1] == "  Kế tiếp: Xã Kỳ Lạc (18838, commune) — merge 2025-07-01"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["show", "99999"], "ntm: No administrative unit has the code '99999'.\n", id="unknown"
        ),
        pytest.param(
            ["show", "18838"],
            "ntm: The code '18838' is ambiguous: Xã Lâm Hợp (commune, 2019-12-01 – 2025-07-01); "
            "Xã Kỳ Lạc (commune, 2025-07-01 – …). Please give --as-of DATE or --era.\n",
            id="ambiguous",
        ),
        pytest.param(
            ["show", "18838", "--as-of", "25/09/2021"],
            "ntm: --as-of: '25/09/2021' is not a date; use YYYY-MM-DD, e.g. 2021-09-25\n",
            id="bad date",
        ),
        pytest.param(
            ["show", "18850", "--as-of", "2026-01-01"],
            "ntm: No administrative unit had the code '18850' on 2026-01-01.\n",
            id="gone by then",
        ),
        pytest.param(
            ["search", "ky", "--as-of", "yesterday"],
            "ntm: --as-of: 'yesterday' is not a date; use YYYY-MM-DD, e.g. 2021-09-25\n",
            id="search bad date",
        ),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(ky_anh, capsys, argv, message):
    code, out, err = run(capsys, *argv, "--json")
    assert (code, out, err) == (2, "", message)


def test_search_json_finds_units_without_accents(ky_anh, capsys):
    code, out, _ = run(capsys, "search", "ky lac", "--as-of", "2021-09-25", "--json")
    assert code == 0
    assert json.loads(out) == [
        {
            "id": ky_anh["ky_lac"].pk,
            "code": "18850",
            "name": "Xã Kỳ Lạc",
            "level": "commune",
            "era": "before-2025",
            "valid_from": None,
            "valid_to": "2025-07-01",
            "parent": "Huyện Kỳ Anh",
        }
    ]


def test_search_text_says_when_nothing_matches(ky_anh, capsys):
    code, out, _ = run(capsys, "search", "Sơn Kim")
    assert (code, out) == (0, "Không tìm thấy đơn vị nào khớp với 'Sơn Kim'.\n")


def test_a_command_on_a_database_never_set_up_says_to_run_setup(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "-m", "ntm.cli", "units", "stats", "--json"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "ntm: the database has no tables yet; run `ntm setup` (or `ntm demo`) first"
    )
    assert "Traceback" not in done.stderr
