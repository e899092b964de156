"""Restore an archive written by ``ntm.backup.dump`` into an EMPTY database.

Nothing is written until everything is checked: the archive's format, every checksum
(``SHA256SUMS`` and the manifest), the target's migration state (the same as the backup's)
and that it holds no rows. Then, in one transaction: the content types and permissions that
`migrate` created are replaced by the archive's, every table is loaded with plain INSERTs
(rows keep their primary keys; no save() logic, so ``auto_now`` dates stay as they were;
the audit table's append-only triggers refuse only updates and deletes, so nothing needs
to bypass them), PostgreSQL sequences are moved past the restored keys, and the uploaded
files are written under MEDIA_ROOT. A failure anywhere rolls the database back and removes
the files written so far.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connections, transaction

from ntm.backup.dump import media_path, migration_state
from ntm.backup.tables import (
    CHECKSUMS,
    CREATED_BY_MIGRATE,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    backup_models,
    columns,
    label,
    row_decoder,
)

BATCH = 1000


@dataclass
class RestoreSummary:
    tables: int
    rows: int
    files: int
    seconds: float

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _safe_member_path(root: Path, name: str) -> Path:
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise BackupError(f"the archive holds a file outside its folder ({name!r}); refused")
    return root.joinpath(*pure.parts)


def _extract(archive: Path, root: Path) -> set[str]:
    """Regular files only (no links, devices or paths leaving ``root``)."""
    names: set[str] = set()
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                if member.isdir():
                    continue
                if not member.isfile():
                    raise BackupError(f"the archive holds {member.name!r}, not a plain file")
                target = _safe_member_path(root, member.name)
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                with target.open("wb") as out:
                    shutil.copyfileobj(source, out, 1024 * 1024)
                names.add(member.name)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"{archive} is not a readable backup archive: {error}") from None
    return names


def _verify(root: Path, names: set[str]) -> dict:
    """The manifest, once every file of the archive matches its checksum."""
    for required in (MANIFEST, CHECKSUMS):
        if required not in names:
            raise BackupError(f"the archive has no {required}; it is not an ntm backup")
    expected: dict[str, str] = {}
    for line in (root / CHECKSUMS).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        expected[name] = digest
    problems = []
    for name in sorted(names - {CHECKSUMS}):
        if name not in expected:
            problems.append(f"{name}: not listed in {CHECKSUMS}")
        elif _sha256(root / name) != expected[name]:
            problems.append(f"{name}: checksum mismatch (damaged or altered)")
    problems += [f"{name}: listed but missing" for name in sorted(set(expected) - names)]
    _refuse_if(problems)
    manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"unsupported backup format {manifest.get('format')!r} "
            f"version {manifest.get('format_version')!r} (this ntm reads {FORMAT} {FORMAT_VERSION})"
        )
    for entry in manifest["tables"] + manifest["files"]:
        name = entry.get("file") or entry["path"]
        if expected.get(name) != entry["sha256"]:
            problems.append(f"{name}: the manifest and {CHECKSUMS} disagree")
    _refuse_if(problems)
    return manifest


def _refuse_if(problems: list[str]) -> None:
    if problems:
        shown = "; ".join(problems[:10]) + (" ..." if len(problems) > 10 else "")
        raise BackupError(f"the archive is damaged, nothing was restored: {shown}")


def _check_target(connection, manifest: dict) -> None:
    ours, theirs = migration_state(connection), manifest["migrations"]
    if ours != theirs:
        apps_differing = sorted(a for a in set(ours) | set(theirs) if ours.get(a) != theirs.get(a))
        raise BackupError(
            "the target database is not migrated to the backup's state (apps differing: "
            f"{', '.join(apps_differing)}); create an empty database, run "
            "`python manage.py migrate` with the same ntm version, then restore"
        )
    known = {label(m) for m in backup_models()}
    unknown = [entry["model"] for entry in manifest["tables"] if entry["model"] not in known]
    if unknown:
        raise BackupError(f"the backup holds tables this ntm does not know: {unknown}")
    filled = [
        f"{m._meta.db_table} ({m._base_manager.using(connection.alias).count()} rows)"
        for m in backup_models()
        if label(m) not in CREATED_BY_MIGRATE and m._base_manager.using(connection.alias).exists()
    ]
    if filled:
        raise BackupError(
            "the target database is not empty, nothing was restored; tables with rows: "
            + ", ".join(filled)
            + ". Restore into a new database migrated to the same state."
        )


def _check_media(root: Path, manifest: dict) -> None:
    clashes = []
    for entry in manifest["files"]:
        target = media_path(entry["name"])
        if target.exists() and _sha256(target) != entry["sha256"]:
            clashes.append(str(target))
    if clashes:
        raise BackupError(
            "MEDIA_ROOT already holds other files of the same names, nothing was restored: "
            + ", ".join(clashes[:10])
        )


def _load_table(connection, root: Path, entry: dict) -> int:
    model = apps.get_model(entry["model"])
    by_attname = {field.attname: field for field in columns(model)}
    qn = connection.ops.quote_name
    with (root / entry["file"]).open("rb") as stream:
        header = json.loads(stream.readline())
        if set(header["columns"]) != set(by_attname):
            raise BackupError(f"{entry['model']}: the archive's columns differ from this ntm's")
        fields = [by_attname[name] for name in header["columns"]]
        decode = row_decoder(fields, connection)
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            qn(model._meta.db_table),
            ", ".join(qn(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        rows, batch = 0, []
        with connection.cursor() as cursor:
            for line in stream:
                batch.append(decode(json.loads(line)))
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    rows, batch = rows + len(batch), []
            if batch:
                cursor.executemany(sql, batch)
                rows += len(batch)
    if rows != entry["rows"]:
        raise BackupError(f"{entry['model']}: {rows} rows read, the manifest says {entry['rows']}")
    return rows


def _write_files(root: Path, manifest: dict, written: list[Path]) -> None:
    for entry in manifest["files"]:
        target = media_path(entry["name"])
        if target.exists():
            continue  # the same content, checked before
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / entry["path"], target)
        written.append(target)
        if _sha256(target) != entry["sha256"]:
            raise BackupError(f"{target}: written file does not match its checksum")


def _load(connection, root: Path, manifest: dict) -> int:
    """All rows and files in one transaction; files written are removed on failure."""
    written: list[Path] = []
    alias = connection.alias
    try:
        with transaction.atomic(using=alias):
            for model_label in ("auth.permission", "contenttypes.contenttype"):
                model = apps.get_model(model_label)
                model._base_manager.using(alias).all()._raw_delete(alias)
            rows = sum(_load_table(connection, root, entry) for entry in manifest["tables"])
            statements = connection.ops.sequence_reset_sql(no_style(), backup_models())
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
            _write_files(root, manifest, written)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    finally:
        ContentType.objects.clear_cache()
    return rows


def restore_backup(archive: Path, *, using: str = "default") -> RestoreSummary:
    started = time.perf_counter()
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="ntm-restore-") as work:
        root = Path(work)
        manifest = _verify(root, _extract(archive, root))
        _check_target(connection, manifest)
        _check_media(root, manifest)
        rows = _load(connection, root, manifest)
    return RestoreSummary(
        tables=len(manifest["tables"]),
        rows=rows,
        files=len(manifest["files"]),
        seconds=round(time.perf_counter() - started, 1),
    )
