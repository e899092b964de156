"""Write a backup archive: ``manifest.json``, one JSON-lines file per table, the uploaded
files under ``media/``, and ``SHA256SUMS``.

The rows are read in one transaction (REPEATABLE READ, read only, on PostgreSQL; SQLite
reads one snapshot of its WAL database in a transaction), streamed table by table to
temporary files, so memory stays bounded whatever the size of the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder

from ntm.backup.tables import (
    CHECKSUMS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    backup_models,
    columns,
    file_fields,
    label,
    row_encoder,
)

CHUNK = 2000


@dataclass
class BackupSummary:
    path: Path
    tables: int = 0
    rows: int = 0
    files: int = 0
    file_bytes: int = 0
    missing_files: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "path": str(self.path),
            "tables": self.tables,
            "rows": self.rows,
            "files": self.files,
            "file_bytes": self.file_bytes,
            "missing_files": self.missing_files,
            "seconds": self.seconds,
        }


class _HashingWriter:
    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.stream.write(data)
        self.sha256.update(data)
        self.size += len(data)


class _HashingReader:
    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.sha256.update(data)
        return data


def media_path(name: str) -> Path:
    """The stored file of a FileField value, refusing names that leave MEDIA_ROOT."""
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise BackupError(f"file name {name!r} points outside MEDIA_ROOT")
    return Path(settings.MEDIA_ROOT, *pure.parts)


def _dump_table(model, connection, path: Path) -> tuple[dict, set[str]]:
    fields = columns(model)
    encode = row_encoder(fields)
    file_positions = file_fields(model)
    names: set[str] = set()
    rows = 0
    queryset = model._base_manager.using(connection.alias).order_by("pk")
    with path.open("wb") as raw:
        out = _HashingWriter(raw)
        header = {"model": label(model), "columns": [f.attname for f in fields]}
        out.write(json.dumps(header).encode() + b"\n")
        for row in queryset.values_list(*[f.attname for f in fields]).iterator(CHUNK):
            out.write(json.dumps(encode(row), ensure_ascii=False).encode() + b"\n")
            rows += 1
            names.update(row[i] for i in file_positions if row[i])
    entry = {
        "model": label(model),
        "table": model._meta.db_table,
        "file": f"data/{path.name}",
        "rows": rows,
        "size": out.size,
        "sha256": out.sha256.hexdigest(),
    }
    return entry, names


def migration_state(connection) -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        state.setdefault(app_label, []).append(name)
    return state


def _read_database(connection, data_dir: Path) -> tuple[dict, set[str]]:
    """Every table's rows and the migration state, from one snapshot of the database."""
    with transaction.atomic(using=connection.alias):
        if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        migrations = migration_state(connection)
        tables, names = [], set()
        for number, model in enumerate(backup_models(), start=1):
            entry, found = _dump_table(
                model, connection, data_dir / f"{number:03d}-{label(model)}.jsonl"
            )
            tables.append(entry)
            names |= found
    return {"migrations": migrations, "tables": tables}, names


def _add_file(archive: tarfile.TarFile, source: Path, arcname: str) -> tuple[int, str]:
    info = archive.gettarinfo(str(source), arcname=arcname)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o644
    with source.open("rb") as stream:
        reader = _HashingReader(stream)
        archive.addfile(info, reader)
    return info.size, reader.sha256.hexdigest()


def _archive_mode(path: Path) -> str:
    return "w:gz" if path.name.endswith((".tar.gz", ".tgz")) else "w"


def create_backup(output: Path, *, using: str = "default") -> BackupSummary:
    """Write the archive to ``output`` (a .tar, or .tar.gz / .tgz to compress it)."""
    started = time.perf_counter()
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} already exists; choose another name or remove it")
    output.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    summary = BackupSummary(path=output)
    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".ntm-backup-") as work:
        data_dir = Path(work)
        database, names = _read_database(connection, data_dir)
        checksums: list[tuple[str, str]] = []
        files, missing = [], []
        try:
            with tarfile.open(partial, _archive_mode(output), format=tarfile.PAX_FORMAT) as tar:
                for entry in database["tables"]:
                    _add_file(tar, data_dir / PurePosixPath(entry["file"]).name, entry["file"])
                    checksums.append((entry["sha256"], entry["file"]))
                for name in sorted(names):
                    source = media_path(name)
                    if not source.is_file():
                        missing.append(name)
                        continue
                    arcname = f"media/{name}"
                    size, digest = _add_file(tar, source, arcname)
                    files.append({"name": name, "path": arcname, "size": size, "sha256": digest})
                    checksums.append((digest, arcname))
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": dt.datetime.now(dt.UTC).isoformat(),
                    "engine": connection.vendor,
                    **database,
                    "files": files,
                    "missing_files": missing,
                }
                manifest_path = data_dir / MANIFEST
                manifest_path.write_text(
                    json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
                )
                _, digest = _add_file(tar, manifest_path, MANIFEST)
                checksums.append((digest, MANIFEST))
                sums = data_dir / CHECKSUMS
                sums.write_text("".join(f"{d}  {p}\n" for d, p in checksums), encoding="utf-8")
                _add_file(tar, sums, CHECKSUMS)
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
    summary.tables = len(database["tables"])
    summary.rows = sum(entry["rows"] for entry in database["tables"])
    summary.files = len(files)
    summary.file_bytes = sum(f["size"] for f in files)
    summary.missing_files = missing
    summary.seconds = round(time.perf_counter() - started, 1)
    return summary
