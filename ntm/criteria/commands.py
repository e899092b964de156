"""`ntm criteria ...`: load, list, show, export and import criteria sets."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ntm.cli_support import UserError, print_json
from ntm.core.criteria.schema import CriteriaDataError, definition_to_dict


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("criteria", help="criteria sets")
    commands = parser.add_subparsers(dest="criteria_command", required=True)

    load = commands.add_parser("load", help="validate and load the criteria set files")
    load.add_argument("--dir", type=Path, default=None, help="directory of *.yaml set files")
    load.add_argument("--json", action="store_true")
    load.set_defaults(func=load_command)

    listing = commands.add_parser("list", help="list the loaded sets")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=list_command)

    show = commands.add_parser("show", help="show one set with its criteria and thresholds")
    show.add_argument("set_id")
    show.add_argument("--version", type=int, default=None)
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=show_command)

    export = commands.add_parser("export", help="write one set version as a YAML data file")
    export.add_argument("set_id")
    export.add_argument("--version", type=int, default=None, help="default: latest published")
    export.add_argument("-o", "--output", type=Path, default=None, help="file (default: stdout)")
    export.set_defaults(func=export_command)

    imported = commands.add_parser(
        "import", help="import a YAML set file as a draft (a new set, or a new version)"
    )
    imported.add_argument("file", type=Path)
    imported.add_argument("--publish", action="store_true", help="publish the draft at once")
    imported.add_argument(
        "--as",
        dest="username",
        default=None,
        metavar="USERNAME",
        help="act as this user: their role and province are checked and the audit names them",
    )
    imported.add_argument("--json", action="store_true")
    imported.set_defaults(func=import_command)


def load_command(args: argparse.Namespace) -> int:
    from ntm.criteria.services import DATA_DIR, load_criteria_sets

    try:
        report = load_criteria_sets(args.dir or DATA_DIR)
    except CriteriaDataError as error:
        raise UserError(f"criteria set refused: {error}") from None
    if args.json:
        print_json(report.as_dict())
    else:
        for state, labels in report.as_dict().items():
            print(f"{state}: {len(labels)} {' '.join(labels)}".rstrip())
    return 0


def list_command(args: argparse.Namespace) -> int:
    from ntm.criteria.selectors import latest_sets

    rows = [
        {
            "id": s.set_id,
            "version": s.version,
            "level": s.level,
            "tier": s.tier,
            "period": [s.period_start, s.period_end],
            "legal_source": s.legal_number,
            "criteria": len(s.definition["criteria"]),
            "name": s.name_vi,
        }
        for s in latest_sets()
    ]
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            period = "–".join(str(y) for y in r["period"] if y)
            print(
                f"{r['id']}@{r['version']}  {r['level']:<8} {r['tier']:<10} {period:<10} {r['criteria']:>2} tiêu chí  {r['name']}"
            )
    return 0


def show_command(args: argparse.Namespace) -> int:
    from ntm.criteria.selectors import UnknownSet, get_set

    try:
        stored = get_set(args.set_id, args.version)
    except UnknownSet as error:
        raise UserError(str(error)) from None
    definition = stored.to_domain()
    if args.json:
        print_json(definition_to_dict(definition))
        return 0
    print(f"{definition.set_id}@{definition.version}: {definition.name_vi}")
    print(f"  {definition.legal_source.number} ({definition.legal_source.confidence})")
    for criterion in definition.criteria:
        print(f"  {criterion.number}. {criterion.name_vi} [{criterion.confidence}]")
        for ind in criterion.indicators:
            rows = ", ".join(
                f"{r.region or r.group or 'all'}{'/' + str(r.from_year) if r.from_year else ''}: {r.value:g}"
                for r in ind.thresholds
            )
            threshold = (
                "judgement"
                if ind.kind == "judgement"
                else (f"{ind.comparator} {rows}" if rows else "cần xác nhận")
            )
            print(f"     {ind.code} {ind.name_vi} — {threshold}")
    return 0


def export_command(args: argparse.Namespace) -> int:
    from ntm.criteria.exchange import export_yaml
    from ntm.criteria.selectors import UnknownSet, get_set

    try:
        stored = get_set(args.set_id, args.version)
    except UnknownSet as error:
        raise UserError(str(error)) from None
    text = export_yaml(stored)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot write {args.output}: {error.strerror}") from None
    print(f"{stored.label} -> {args.output}", file=sys.stderr)
    return 0


def import_command(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model

    from ntm.accounts.permissions import WriteDenied
    from ntm.audit.services import Actor
    from ntm.criteria.authoring import AuthoringError, PublishRefused
    from ntm.criteria.exchange import import_yaml

    user = None
    if args.username:
        user = get_user_model().objects.filter(username=args.username).first()
        if user is None:
            raise UserError(f"--as: no user named {args.username!r}")
    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise UserError(f"cannot read {args.file}: {error.strerror}") from None
    try:
        result = import_yaml(
            data, filename=args.file.name, actor=Actor(user, channel="cli"), publish=args.publish
        )
    except PublishRefused as error:
        lines = [f"{args.file.name}: {error.message}"]
        lines += [
            f"  - {p.place}: {p.message}" if p.place else f"  - {p.message}" for p in error.problems
        ]
        raise UserError("\n".join(lines)) from None
    except (AuthoringError, WriteDenied) as error:
        raise UserError(str(error)) from None
    stored = result.stored
    if args.json:
        print_json(
            {
                "set": stored.set_id,
                "version": stored.version,
                "status": stored.status,
                "outcome": result.outcome,
                "note": result.note,
            }
        )
        return 0
    print(f"{result.outcome}: {stored.label} ({stored.status})")
    if result.note:
        print(result.note)
    return 0
