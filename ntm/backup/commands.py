"""`ntm backup -o PATH` and `ntm restore PATH`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ntm.cli_support import UserError, print_json


def register(sub: argparse._SubParsersAction) -> None:
    backup = sub.add_parser(
        "backup", help="write the database and the uploaded files to one archive"
    )
    backup.add_argument(
        "-o", "--output", type=Path, required=True, help="archive to write (.tar, or .tar.gz)"
    )
    backup.add_argument("--json", action="store_true")
    backup.set_defaults(func=backup_command)

    restore = sub.add_parser("restore", help="restore an archive into an empty, migrated database")
    restore.add_argument("archive", type=Path)
    restore.add_argument("--json", action="store_true")
    restore.set_defaults(func=restore_command)


def backup_command(args: argparse.Namespace) -> int:
    from ntm.backup.dump import create_backup
    from ntm.backup.tables import BackupError

    try:
        summary = create_backup(args.output)
    except BackupError as error:
        raise UserError(str(error)) from None
    if args.json:
        print_json(summary.as_dict())
    else:
        print(
            f"Backup written to {summary.path}: {summary.tables} tables, {summary.rows} rows, "
            f"{summary.files} files ({summary.file_bytes} bytes) in {summary.seconds} s."
        )
    for name in summary.missing_files:
        print(
            f"warning: a row points to {name}, which is missing under MEDIA_ROOT", file=sys.stderr
        )
    return 0


def restore_command(args: argparse.Namespace) -> int:
    from ntm.backup.load import restore_backup
    from ntm.backup.tables import BackupError

    try:
        summary = restore_backup(args.archive)
    except BackupError as error:
        raise UserError(str(error)) from None
    if args.json:
        print_json(summary.as_dict())
    else:
        print(
            f"Restored {summary.rows} rows in {summary.tables} tables and {summary.files} files "
            f"in {summary.seconds} s."
        )
    return 0
