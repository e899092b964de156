"""`ntm criteria export` and `ntm criteria import`: files, exit codes, messages."""

from __future__ import annotations

import json

import pytest
import yaml

from ntm import cli
from ntm.audit.models import AuditEntry
from ntm.criteria.tests.helpers import snapshot, stored

pytestmark = pytest.mark.django_db


def run_cli(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_export_writes_the_latest_published_version_to_a_file(world, capsys, tmp_path):
    target = tmp_path / "out.yaml"
    code, out, err = run_cli(capsys, "criteria", "export", "test-province-commune", "-o", target)
    assert (code, out) == (0, "")
    assert err == f"test-province-commune@1 -> {target}\n"
    assert yaml.safe_load(target.read_text()) == stored("test-province-commune").source_document


def test_export_of_an_unknown_version_exits_2_with_the_known_sets(world, capsys):
    code, out, err = run_cli(capsys, "criteria", "export", "test-commune", "--version", "7")
    assert (code, out) == (2, "")
    assert err.startswith("ntm: Unknown criteria set 'test-commune@7'. Known sets: test-commune,")


def edited_file(capsys, tmp_path, old: str, new: str):
    run_cli(capsys, "criteria", "export", "test-province-commune", "-o", tmp_path / "a.yaml")
    path = tmp_path / "a.yaml"
    path.write_text(path.read_text().replace(old, new, 1))
    return path


def test_import_as_a_user_creates_a_draft_version_and_names_them_in_the_audit(
    world, capsys, tmp_path
):
    path = edited_file(capsys, tmp_path, "Có khu dân cư mẫu", "Có khu dân cư kiểu mẫu")
    code, out, err = run_cli(capsys, "criteria", "import", path, "--as", "hatinh", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "set": "test-province-commune",
        "version": 2,
        "status": "draft",
        "outcome": "created",
        "note": "Tệp ghi phiên bản 1; phiên bản này đã có, nên tệp được nhập thành phiên bản 2.",
    }
    entry = AuditEntry.objects.get(action="criteria_set.import")
    assert (entry.actor_name, entry.channel) == ("hatinh", "cli")


def test_import_of_the_same_file_twice_changes_nothing_the_second_time(world, capsys, tmp_path):
    path = edited_file(capsys, tmp_path, "Có khu dân cư mẫu", "Có khu dân cư kiểu mẫu")
    assert (
        run_cli(capsys, "criteria", "import", path)[1]
        == "created: test-province-commune@2 (draft)\nTệp ghi phiên bản 1; phiên bản này đã có, nên tệp được nhập thành phiên bản 2.\n"
    )
    path.write_text(path.read_text().replace("version: 1", "version: 2", 1))
    before = snapshot()
    code, out, err = run_cli(capsys, "criteria", "import", path)
    assert (code, out, err) == (0, "unchanged: test-province-commune@2 (draft)\n", "")
    assert snapshot() == before


def test_a_bad_file_exits_2_with_file_line_place_and_reason(world, capsys, tmp_path):
    path = edited_file(capsys, tmp_path, "kind: judgement", "kind: judgment")
    before = snapshot()
    code, out, err = run_cli(capsys, "criteria", "import", path)
    assert (code, out) == (2, "")
    assert err == (
        "ntm: a.yaml, dòng 16, tiêu chí 20 › chỉ tiêu 20.1 › loại: 'judgment' không phải là "
        "một trong các giá trị: judgement, number, ratio, aggregate\n"
    )
    assert snapshot() == before


def test_import_and_publish_lists_every_problem(world, capsys, tmp_path):
    path = edited_file(capsys, tmp_path, "Có khu dân cư mẫu", "Có khu dân cư kiểu mẫu")
    before = snapshot()
    code, out, err = run_cli(capsys, "criteria", "import", path, "--publish")
    assert (code, out) == (2, "")
    assert err == (
        "ntm: a.yaml: Chưa ban hành được: 3 vấn đề cần sửa.\n"
        "  - văn bản ban hành: Chưa nhập số văn bản ban hành bộ tiêu chí.\n"
        "  - văn bản ban hành: Chưa nhập ngày ban hành.\n"
        "  - văn bản ban hành: Chưa nhập cơ quan ban hành.\n"
    )
    assert snapshot() == before


def test_import_as_another_provinces_user_is_refused(world, capsys, tmp_path):
    path = edited_file(capsys, tmp_path, "Có khu dân cư mẫu", "Có khu dân cư kiểu mẫu")
    before = snapshot()
    code, _out, err = run_cli(capsys, "criteria", "import", path, "--as", "thanhhoa")
    assert code == 2
    assert err == "ntm: Đơn vị “Tỉnh Hà Tĩnh” nằm ngoài phạm vi được giao của tài khoản này.\n"
    assert snapshot() == before


def test_import_of_a_missing_file_or_user_exits_2(world, capsys, tmp_path):
    assert run_cli(capsys, "criteria", "import", tmp_path / "none.yaml")[0] == 2
    path = edited_file(capsys, tmp_path, "Có khu dân cư mẫu", "Khu dân cư")
    code, _out, err = run_cli(capsys, "criteria", "import", path, "--as", "nobody")
    assert (code, err) == (2, "ntm: --as: no user named 'nobody'\n")
