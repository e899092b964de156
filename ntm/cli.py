"""The `ntm` command: set-up, units, criteria sets and evaluations.

Subcommands live beside their app (``ntm/<app>/commands.py``, each with a ``register``
function); this module only builds the parser, starts Django and turns user errors into
a message and a non-zero exit status instead of a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ntm.cli_support import UserError


def build_parser() -> argparse.ArgumentParser:
    from ntm.accounts import commands as account_commands
    from ntm.backup import commands as backup_commands
    from ntm.criteria import commands as criteria_commands
    from ntm.dashboards import commands as assessment_commands
    from ntm.demo import commands as demo_commands
    from ntm.units import commands as unit_commands
    from ntm.web import commands as web_commands
    from ntm.workbooks import commands as workbook_commands

    parser = argparse.ArgumentParser(
        prog="ntm", description="ntm: New Rural Development information system"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    web_commands.register(sub)
    unit_commands.register(sub)
    criteria_commands.register(sub)
    assessment_commands.register(sub)
    workbook_commands.register(sub)
    demo_commands.register(sub)
    account_commands.register(sub)
    backup_commands.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db.utils import OperationalError, ProgrammingError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (OperationalError, ProgrammingError):
        if not _database_is_set_up():
            print(
                "ntm: the database has no tables yet; run `ntm setup` (or `ntm demo`) first",
                file=sys.stderr,
            )
            return 2
        raise
    except UserError as error:
        print(f"ntm: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` or similar: stop quietly, like other Unix tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _database_is_set_up() -> bool:
    """True when the migrations of the database have been applied at least once."""
    from django.db import connection

    try:
        return "units_adminunit" in connection.introspection.table_names()
    except Exception:  # noqa: BLE001 - an unreachable database is not "set up" either
        return False


if __name__ == "__main__":
    sys.exit(main())
