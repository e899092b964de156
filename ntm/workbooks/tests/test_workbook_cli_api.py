"""`ntm template` / `ntm import` and /api/workbooks: the same checks, all or nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ntm import cli
from ntm.audit.models import AuditEntry
from ntm.criteria.services import load_criteria_sets
from ntm.testing import COMMUNE_SET, make_ky_anh, make_user, write_sets
from ntm.values import services
from ntm.values.models import IndicatorValue
from ntm.workbooks.tests.workbook_helpers import fill, template_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def ky_anh(tmp_path):
    load_criteria_sets(write_sets(tmp_path / "sets", COMMUNE_SET))
    units = make_ky_anh()
    services.record_value(
        unit=units["ky_lac"],
        indicator_key="test-commune:10",
        observed_on=dt.date(2020, 6, 30),
        value=40.0,
    )
    return units


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def communes(units):
    return [units["ky_lac"], units["ky_tay"], units["lam_hop"]]


def values():
    return sorted(IndicatorValue.objects.values_list("unit__code", "indicator_key", "value"))


# --- Command line ------------------------------------------------------------------------


def test_the_ntm_command_routes_the_excel_commands_to_ntm_workbooks(tmp_path):
    """`ntm template`, `ntm import` and `ntm bench-workbook` are registered by ntm.cli from
    ntm/workbooks/commands.py (the benchmark itself runs on the national units: `make bench`)."""
    from ntm.workbooks import commands

    parser = cli.build_parser()
    out = tmp_path / "bench.json"
    bench = parser.parse_args(["bench-workbook", "--communes", "3", "--output", str(out)])
    assert (bench.func, bench.communes, bench.output) == (commands.bench_command, 3, out)
    for argv in (
        ["template", "--unit", "447", "--set", "x", "--period", "2020", "-o", "a.xlsx"],
        ["import", "a.xlsx"],
    ):
        assert parser.parse_args(argv).func.__module__ == "ntm.workbooks.commands"


def test_cli_writes_a_template_then_imports_it_filled_once(ky_anh, tmp_path, capsys):
    path = tmp_path / "ky-anh.xlsx"
    code, out, err = run(
        capsys, "template", "--unit", "447", "--set", "test-commune", "--period", "2020",
        "--children", "-o", path,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == f"{path}: test-commune@1, kỳ 2020 (2020-12-31), 3 đơn vị, 9 dòng.\n"
    path.write_bytes(fill(path.read_bytes(), {("18793", "10"): {"value": 38}}))

    code, out, err = run(capsys, "import", path, "--dry-run")
    assert code == 0
    assert out == (
        f"{path}: test-commune@1, kỳ 2020, 3 đơn vị: sẽ ghi 1 mới, 0 sửa; 1 giữ nguyên, "
        "7 dòng trống. (thử, chưa ghi gì)\n"
    )
    assert values() == [("18850", "test-commune:10", 40.0)]

    code, out, _err = run(capsys, "import", path)
    assert code == 0 and "đã ghi 1 mới, 0 sửa" in out
    assert values() == [("18793", "test-commune:10", 38.0), ("18850", "test-commune:10", 40.0)]
    assert list(
        AuditEntry.objects.filter(action="value.create", channel="cli").values_list(
            "actor", "reason"
        )
    ) == [(None, "Nhập từ tệp Excel “ky-anh.xlsx” (bộ test-commune@1, kỳ 2020)")]

    code, out, _err = run(capsys, "import", path, "--json")
    data = json.loads(out)
    assert (code, data["status"], data["counts"]["new"], data["counts"]["unchanged"]) == (
        0, "applied", 0, 2,
    )  # fmt: skip


def test_cli_import_of_a_refused_file_lists_every_problem_and_exits_1(ky_anh, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(
        fill(
            template_bytes(communes(ky_anh), parent=ky_anh["district"]),
            {("18793", "10"): {"value": "nhiều"}, ("18838", "10"): {"value": -1}},
        )
    )
    code, out, err = run(capsys, "import", path)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{path}: test-commune@1, kỳ 2020, 3 đơn vị: không ghi gì, 2 lỗi:",
        "  Sheet “Số liệu”, dòng 15, cột H, giá trị “nhiều”: Giá trị không phải là số.",
        "  Sheet “Số liệu”, dòng 16, cột H, giá trị “-1”: 10 (Thu nhập bình quân đầu người): "
        "giá trị -1 không được âm.",
    ]
    assert values() == [("18850", "test-commune:10", 40.0)]


def test_cli_import_as_a_user_applies_their_scope(ky_anh, tmp_path, capsys):
    make_user("kylac", role="data_entry", unit=ky_anh["ky_lac"])
    path = tmp_path / "f.xlsx"
    path.write_bytes(
        fill(
            template_bytes(communes(ky_anh), parent=ky_anh["district"]),
            {("18793", "10"): {"value": 38}, ("18850", "10"): {"value": 41}},
        )
    )
    code, _out, err = run(capsys, "import", path, "--user", "kylac")
    assert code == 1
    assert err.splitlines()[1:] == [
        "  Sheet “Số liệu”, dòng 15, cột H, giá trị “38”: Đơn vị “Xã Kỳ Tây” nằm ngoài phạm vi "
        "được giao của tài khoản này (1 ô có số liệu); không nhập được số liệu của đơn vị này."
    ]
    assert values() == [("18850", "test-commune:10", 40.0)]


def test_cli_refuses_a_file_of_a_period_not_yet_ended(ky_anh, tmp_path, capsys):
    today = timezone.localdate()
    later = today + dt.timedelta(days=3)
    path = tmp_path / "later.xlsx"
    path.write_bytes(
        template_bytes(communes(ky_anh), parent=ky_anh["district"], period=later.isoformat())
    )
    code, _out, err = run(capsys, "import", path)
    assert code == 1
    assert err == (
        f"ntm: {path}: Kỳ {later.isoformat()} chưa kết thúc (số liệu của kỳ ghi vào ngày "
        f"{later.strftime('%d/%m/%Y')}). Chọn một kỳ đã kết thúc, hoặc một ngày cụ thể, "
        f"ví dụ {today.isoformat()}.\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["--unit", "447", "--set", "test-commune", "--period", "2020", "-o", "x.xlsx"],
            "ntm: Bộ “Bộ tiêu chí xã (thử)” dành cho cấp commune, không dùng cho Huyện Kỳ Anh; "
            "chọn mẫu cho các đơn vị trực thuộc.\n",
            id="a commune set for the district itself",
        ),
        pytest.param(
            ["--unit", "18850", "--set", "test-commune", "--period", "sau", "-o", "x.xlsx"],
            "ntm: --period: Kỳ “sau” không hợp lệ: ghi một năm (2024), nửa năm (2024-H1), "
            "quý (2024-Q3), tháng (2024-06) hoặc một ngày (2021-09-25).\n",
            id="unreadable period",
        ),
        pytest.param(
            ["--unit", "18850", "--set", "nope", "--period", "2020", "-o", "x.xlsx"],
            "ntm: Unknown criteria set 'nope'. Known sets: test-commune.\n",
            id="unknown set",
        ),
    ],
)
def test_cli_template_refusals(ky_anh, tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "template", *argv)
    assert (code, out, err) == (2, "", message)
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_import_of_a_missing_file_is_a_user_error(ky_anh, tmp_path, capsys):
    code, _out, err = run(capsys, "import", tmp_path / "nope.xlsx")
    assert code == 2 and err == f"ntm: {tmp_path / 'nope.xlsx'}: No such file or directory\n"


# --- HTTP API --------------------------------------------------------------------------------


def test_api_template_needs_a_role_that_enters_values_and_the_unit_in_scope(client, ky_anh):
    url = "/api/workbooks/template"
    query = {
        "unit_id": ky_anh["district"].id,
        "set_id": "test-commune",
        "period": "2020",
        "children": "true",
    }
    assert client.get(url, query).status_code == 401
    client.force_login(make_user("viewer", role="viewer", unit=ky_anh["province"]))
    assert client.get(url, query).status_code == 403
    client.force_login(make_user("kylac", role="data_entry", unit=ky_anh["ky_lac"]))
    assert client.get(url, query).status_code == 404
    client.force_login(make_user("office", role="approver", unit=ky_anh["province"]))
    response = client.get(url, query)
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="mau-test-commune-2020-huyen-ky-anh.xlsx"'
    )
    response = client.get(url, {**query, "children": "false"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Bộ “Bộ tiêu chí xã (thử)” dành cho cấp commune, không dùng cho Huyện Kỳ Anh; "
        "chọn mẫu cho các đơn vị trực thuộc."
    }


def test_api_import_dry_run_then_write(client, ky_anh):
    client.force_login(make_user("office", role="approver", unit=ky_anh["province"]))
    content = fill(
        template_bytes(communes(ky_anh), parent=ky_anh["district"]),
        {("18793", "10"): {"value": 38}},
    )

    def post(**data):
        return client.post(
            "/api/workbooks/import",
            {"file": SimpleUploadedFile("ky-anh.xlsx", content), **data},
        )

    response = post()  # dry run by default
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["set"], body["period"], body["units"]) == (
        "preview",
        "test-commune",
        "2020",
        3,
    )
    assert body["counts"] == {
        "new": 1,
        "changed": 0,
        "unchanged": 1,
        "blank": 7,
        "problems": 0,
        "warnings": 0,
    }
    assert [
        (c["unit_name"], c["indicator_code"], c["old"], c["new"], c["row"]) for c in body["changes"]
    ] == [("Xã Kỳ Tây", "10", "", "38 triệu đồng/người/năm", 15)]
    assert values() == [("18850", "test-commune:10", 40.0)]

    response = post(dry_run="false", set_id="test-commune", period="2020")
    assert (response.status_code, response.json()["status"]) == (200, "applied")
    assert values() == [("18793", "test-commune:10", 38.0), ("18850", "test-commune:10", 40.0)]
    assert AuditEntry.objects.filter(channel="api").count() == 1


def test_api_import_refusals(client, ky_anh):
    client.force_login(make_user("office", role="approver", unit=ky_anh["province"]))
    bad = fill(
        template_bytes(communes(ky_anh), parent=ky_anh["district"]),
        {("18793", "10"): {"value": "=1+1"}},
    )
    response = client.post(
        "/api/workbooks/import", {"file": SimpleUploadedFile("a.xlsx", bad), "dry_run": "false"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == "refused"
    assert body["problems"] == [
        {
            "where": "Sheet “Số liệu”, dòng 15, cột H, giá trị “=1+1”",
            "sheet": "Số liệu",
            "row": 15,
            "column": "H",
            "value": "=1+1",
            "message": "Ô chứa công thức; hãy nhập giá trị (khi dán, dùng Dán đặc biệt → Giá trị).",
        }
    ]
    response = client.post(
        "/api/workbooks/import", {"file": SimpleUploadedFile("a.xlsx", b"not excel")}
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Tệp không phải là tệp Excel .xlsx (không đọc được). Hãy tải lên đúng tệp mẫu "
        "đã điền, lưu dạng .xlsx."
    }
    assert values() == [("18850", "test-commune:10", 40.0)]


def test_api_is_documented_in_the_openapi_schema(client):
    schema = client.get("/api/openapi.json").json()
    assert {"/api/workbooks/template", "/api/workbooks/import"} <= set(schema["paths"])
    assert set(schema["paths"]["/api/workbooks/import"]["post"]["responses"]) == {
        "200", "400", "403", "413", "422",
    }  # fmt: skip
