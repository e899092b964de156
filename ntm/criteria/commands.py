"""`ntm criteria ...`: load, list and show criteria sets."""

from __future__ import annotations

import argparse
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
