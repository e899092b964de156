"""`ntm backup` / `ntm restore`: the round trip is exact, record by record and file by file,
on the same engine and across SQLite and PostgreSQL; a damaged archive or a target that
already holds data is refused with nothing written."""

from __future__ import annotations

import datetime as dt
import io
import os
import tarfile
from contextlib import contextmanager
from pathlib import Path

import dj_database_url
import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connections

from ntm.accounts.services import create_token
from ntm.audit.models import AuditEntry
from ntm.audit.services import Actor
from ntm.backup.dump import create_backup
from ntm.backup.load import restore_backup
from ntm.backup.tables import MANIFEST, BackupError, backup_models, file_fields, label
from ntm.cli import main
from ntm.recognition.models import CaseDocument
from ntm.recognition.tests.helpers import build_world, case_at
from ntm.units.models import BoundaryUpload, UnitBoundary
from ntm.values.models import EvidenceFile, IndicatorValue

pytestmark = pytest.mark.django_db
D = dt.date
TARGET = "restore_target"


@pytest.fixture
def world(tmp_path, settings):
    world = build_world(tmp_path, settings)
    user = world["users"]["kylac"]
    case_at(world, "dossier")  # recognition documents and audit entries
    first = IndicatorValue.objects.create(
        unit=world["ky_lac"], indicator_key="test:2.1", observed_on=D(2024, 6, 30),
        value=0.1 + 0.2, numerator=1 / 3, denominator=3.0, is_met=True, entered_by=user,
        note="Ghi chú có dấu: đường trục xã",
    )  # fmt: skip
    IndicatorValue.objects.filter(pk=first.pk).update(is_current=False)
    IndicatorValue.objects.create(
        unit=world["ky_lac"], indicator_key="test:2.1", observed_on=D(2024, 6, 30),
        value=87.5, supersedes=first, entered_by=user,
    )  # fmt: skip
    EvidenceFile.objects.create(
        unit=world["ky_lac"], key="test:2.1", observed_on=D(2024, 6, 30),
        file=ContentFile(b"%PDF-1.4 evidence \x00\xff bytes", name="bien-ban.pdf"),
        original_name="Biên bản.pdf", content_type="application/pdf", size=26, entered_by=user,
    )  # fmt: skip
    upload = BoundaryUpload.objects.create(
        province=world["province"], codes_on=D(2021, 12, 31), file_name="ha-tinh.geojson",
        size=1234, sha256="ab" * 32, features=1, uploaded_by=user,
    )  # fmt: skip
    ring = [[106.24, 18.01], [106.26, 18.01], [106.26, 18.03], [106.24, 18.01]]
    UnitBoundary.objects.create(
        upload=upload, unit=world["ky_lac"], geometry={"type": "Polygon", "coordinates": [ring]}
    )
    create_token(actor=Actor(user, "127.0.0.1", "cli"), user=user, name="máy chủ tỉnh")
    group = Group.objects.create(name="Nhóm thử")
    group.permissions.add(Permission.objects.get(codename="view_adminunit"))
    user.groups.add(group)
    assert CaseDocument.objects.count() >= 3
    assert AuditEntry.objects.count() >= 5
    return world


def _base_settings() -> dict:
    return {
        key: value
        for key, value in connections.settings["default"].items()
        if key not in {"NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS", "ENGINE"}
    }


@contextmanager
def _database(settings_dict: dict):
    """A second database alias, migrated; removed again afterwards."""
    connections.settings[TARGET] = {**_base_settings(), "OPTIONS": {}, **settings_dict}
    try:
        # Django's test case refuses to open a connection to an alias it was not told of;
        # an alias opened here, already connected, is let through.
        connections[TARGET].connect()
        call_command("migrate", database=TARGET, interactive=False, verbosity=0)
        yield connections[TARGET]
    finally:
        connections[TARGET].close()
        del connections.settings[TARGET]
        if hasattr(connections._connections, TARGET):
            delattr(connections._connections, TARGET)


@contextmanager
def sqlite_database(path: Path):
    with _database({"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}) as connection:
        yield connection


@contextmanager
def postgres_database(url: str):
    """The database at ``url``, migrated and emptied first (and emptied again after)."""
    with _database(dj_database_url.parse(url)) as connection:
        call_command("flush", database=TARGET, interactive=False, verbosity=0)
        try:
            yield connection
        finally:
            call_command("flush", database=TARGET, interactive=False, verbosity=0)


@contextmanager
def new_postgres_database():
    """A new database beside the test database on the same PostgreSQL server."""
    import psycopg

    default = connections["default"].settings_dict
    name = f"{default['NAME']}_restore"
    server = {k: default[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if default.get(k)}
    params = {"host": server.get("HOST"), "port": server.get("PORT"), "user": server.get("USER")}
    if server.get("PASSWORD"):
        params["password"] = server["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    try:
        with _database({**default, "NAME": name, "TEST": {}}) as connection:
            yield connection
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


@contextmanager
def same_engine_target(tmp_path: Path):
    if connections["default"].vendor == "postgresql":
        with new_postgres_database() as connection:
            yield connection
    else:
        with sqlite_database(tmp_path / "target.sqlite3") as connection:
            yield connection


def rows_of(alias: str) -> dict[str, list[dict]]:
    return {
        label(model): list(model._base_manager.using(alias).order_by("pk").values())
        for model in backup_models()
    }


def files_of(alias: str, media_root: Path) -> dict[str, bytes]:
    files = {}
    for model in backup_models():
        positions = file_fields(model)
        if not positions:
            continue
        names = [f.attname for f in model._meta.concrete_fields]
        for row in model._base_manager.using(alias).values_list(*names):
            for i in positions:
                if row[i]:
                    files[row[i]] = (media_root / row[i]).read_bytes()
    return files


def assert_same(source_media: Path, target_media: Path) -> None:
    expected, restored = rows_of("default"), rows_of(TARGET)
    for model_label, rows in expected.items():
        assert restored[model_label] == rows, model_label
    source_files = files_of("default", source_media)
    assert len(source_files) >= 4  # three case documents and the evidence file
    assert files_of(TARGET, target_media) == source_files


def _restore_and_compare(world, tmp_path, settings, connection) -> None:
    source_media = Path(settings.MEDIA_ROOT)
    archive = tmp_path / "ntm-backup.tar.gz"
    summary = create_backup(archive)
    assert summary.files >= 4 and not summary.missing_files
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    restored = restore_backup(archive, using=connection.alias)
    assert restored.rows == summary.rows
    assert_same(source_media, Path(settings.MEDIA_ROOT))
    # The restored database goes on: new rows get new keys, audit entries stay append-only.
    AuditEntry.objects.using(connection.alias).create(action="after.restore", channel="cli")
    assert (
        AuditEntry.objects.using(connection.alias).count()
        == summary_count(AuditEntry, "default") + 1
    )


def summary_count(model, alias: str) -> int:
    return model._base_manager.using(alias).count()


def test_backup_restores_into_an_empty_database_of_the_same_engine(world, tmp_path, settings):
    with same_engine_target(tmp_path) as connection:
        _restore_and_compare(world, tmp_path, settings, connection)


def test_backup_restores_across_sqlite_and_postgresql(world, tmp_path, settings):
    if connections["default"].vendor == "postgresql":
        target = sqlite_database(tmp_path / "target.sqlite3")
    elif os.environ.get("NTM_TEST_POSTGRES_URL"):
        target = postgres_database(os.environ["NTM_TEST_POSTGRES_URL"])
    else:
        pytest.skip("set NTM_TEST_POSTGRES_URL to an empty PostgreSQL database to run this")
    with target as connection:
        _restore_and_compare(world, tmp_path, settings, connection)


def _tamper(archive: Path, damaged: Path, member_prefix: str) -> str:
    """A copy of the archive with one byte of the first matching member changed."""
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as out:
        changed = ""
        for member in source:
            data = source.extractfile(member).read()
            if not changed and member.name.startswith(member_prefix):
                data = data[:-2] + bytes([data[-2] ^ 1]) + data[-1:]
                changed = member.name
            out.addfile(member, io.BytesIO(data))
    return changed


@pytest.mark.parametrize("member_prefix", ["data/", "media/", MANIFEST])
def test_a_damaged_archive_is_refused_and_nothing_is_written(
    world, tmp_path, settings, member_prefix
):
    archive = tmp_path / "ntm-backup.tar.gz"
    create_backup(archive)
    damaged = tmp_path / "damaged.tar.gz"
    changed = _tamper(archive, damaged, member_prefix)
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with sqlite_database(tmp_path / "target.sqlite3") as connection:
        before = rows_of(TARGET)
        with pytest.raises(BackupError, match="checksum mismatch") as refused:
            restore_backup(damaged, using=connection.alias)
        assert changed in str(refused.value)
        assert rows_of(TARGET) == before
        assert not Path(settings.MEDIA_ROOT).exists()


def test_a_target_with_data_is_refused_and_names_its_tables(world, tmp_path, settings):
    archive = tmp_path / "ntm-backup.tar"
    create_backup(archive)
    before = summary_count(AuditEntry, "default")
    with pytest.raises(BackupError, match="not empty") as refused:
        restore_backup(archive)
    assert "auth_user (8 rows)" in str(refused.value)
    assert "audit_auditentry" in str(refused.value)
    assert summary_count(AuditEntry, "default") == before


def test_a_target_at_another_migration_state_is_refused(world, tmp_path):
    archive = tmp_path / "ntm-backup.tar"
    create_backup(archive)
    with sqlite_database(tmp_path / "target.sqlite3") as connection:
        call_command("migrate", "audit", "0002", database=TARGET, verbosity=0)
        with pytest.raises(BackupError, match="apps differing: audit"):
            restore_backup(archive, using=connection.alias)


def test_the_commands_write_an_archive_and_refuse_a_full_database(world, tmp_path, capsys):
    archive = tmp_path / "cli.tar.gz"
    assert main(["backup", "-o", str(archive)]) == 0
    assert "Backup written to" in capsys.readouterr().out
    assert main(["backup", "-o", str(archive)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["restore", str(archive)]) == 2
    assert "the target database is not empty" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["../outside.txt", "/etc/outside.txt", "media/../../up.txt"])
def test_an_archive_with_a_path_leaving_its_folder_is_refused(tmp_path, name):
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo(name)
        info.size = 3
        tar.addfile(info, io.BytesIO(b"bad"))
    with pytest.raises(BackupError, match="outside its folder"):
        restore_backup(archive)
    assert not (tmp_path.parent / "outside.txt").exists()


def test_an_archive_with_a_link_is_refused(tmp_path):
    archive = tmp_path / "link.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo("media/passwd")
        info.type = tarfile.SYMTYPE
        info.linkname = "/etc/passwd"
        tar.addfile(info)
    with pytest.raises(BackupError, match="not a plain file"):
        restore_backup(archive)


def test_an_archive_from_before_the_models_moved_is_refused_with_what_to_do(world, tmp_path):
    # Issue 10 moved the models of assessments into values, approvals, programme, reports
    # and recognition: an archive of the old layout names other apps and migrations.
    archive = tmp_path / "old-layout.tar"
    with sqlite_database(tmp_path / "old.sqlite3") as connection:
        for app, name in [("values", "zero"), ("approvals", "zero"), ("programme", "zero"),
                          ("reports", "zero"), ("recognition", "0001")]:  # fmt: skip
            call_command("migrate", app, name, database=TARGET, verbosity=0)
        create_backup(archive, using=connection.alias)
    with (
        sqlite_database(tmp_path / "new.sqlite3") as connection,
        pytest.raises(BackupError) as refused,
    ):
        restore_backup(archive, using=connection.alias)
    message = str(refused.value)
    assert "apps differing: approvals, assessments, programme, recognition, reports, values" in (
        message
    )
    assert "run `python manage.py migrate` with the same ntm version, then restore" in message
