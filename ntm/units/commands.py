"""`ntm units ...`: load the national units, count them, show one, search by name."""

from __future__ import annotations

import argparse
from typing import Any

from ntm.cli_support import UserError, parse_date, print_json
from ntm.core.hierarchy import Era, Level

LEVELS = [level.value for level in Level]
ERAS = [era.value for era in Era]


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("units", help="administrative units")
    commands = parser.add_subparsers(dest="units_command", required=True, metavar="COMMAND")

    load = commands.add_parser(
        "load", help="load the units of both eras and the 2025 mapping (idempotent)"
    )
    load.add_argument("--json", action="store_true")
    load.set_defaults(func=load_command)

    stats = commands.add_parser("stats", help="count units per era and level")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(func=stats_command)

    show = commands.add_parser("show", help="a unit with its parent, predecessors and successors")
    show.add_argument("code", help="official code, e.g. 18838")
    show.add_argument("--as-of", metavar="DATE", help="the unit in force on this date")
    show.add_argument("--era", choices=ERAS)
    show.add_argument("--level", choices=LEVELS)
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=show_command)

    search = commands.add_parser("search", help="find units by name (accents optional)")
    search.add_argument("query")
    search.add_argument("--as-of", metavar="DATE", help="only units in force on this date")
    search.add_argument("--limit", type=int, default=50)
    search.add_argument("--json", action="store_true")
    search.set_defaults(func=search_command)


def load_command(args: argparse.Namespace) -> int:
    from ntm.units.package import PackageDataError
    from ntm.units.services import load_package_units

    try:
        report = load_package_units()
    except PackageDataError as error:
        raise UserError(f"package data refused: {error}") from None
    if args.json:
        print_json(report.as_dict())
        return 0
    for era, levels in report.as_dict()["units"].items():
        for level, counts in levels.items():
            print(
                f"{era:<12} {level:<9} {counts['created']:>6} created {counts['updated']:>6} "
                f"updated {counts['unchanged']:>6} unchanged"
            )
    print(f"Units from vietnamadminunits {report.package_version}: {report.summary()}")
    return 0


def stats_command(args: argparse.Namespace) -> int:
    from ntm.units.selectors import unit_stats

    stats = unit_stats()
    if args.json:
        print_json(stats)
        return 0
    print(f"{'':<12}" + "".join(f"{level:>10}" for level in LEVELS))
    for era, counts in stats.items():
        print(f"{era:<12}" + "".join(f"{counts[level]:>10,}" for level in LEVELS))
    return 0


def _ref(unit: Any) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
    }


def _link(link: Any) -> dict[str, Any]:
    return {
        **_ref(link.unit),
        "event": {
            "kind": link.event.kind,
            "date": link.event.effective_date,
            "legal_act": link.event.legal_act_number or None,
        },
        "is_partial": link.is_partial,
    }


def unit_as_dict(detail: Any) -> dict[str, Any]:
    """The `units show` JSON document."""
    unit = detail.unit
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "level": unit.level,
        "era": unit.era.value,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "region": unit.region or None,
        "commune_group": unit.commune_group,
        "parent": (
            {"code": detail.parent.code, "name": detail.parent.name, "level": detail.parent.level}
            if detail.parent
            else None
        ),
        "predecessors": [_link(link) for link in detail.predecessors],
        "successors": [_link(link) for link in detail.successors],
    }


def show_command(args: argparse.Namespace) -> int:
    from ntm.core.hierarchy import HierarchyError
    from ntm.units.models import AdminUnit
    from ntm.units.selectors import find_unit, unit_detail

    as_of = parse_date(args.as_of)
    try:
        record = find_unit(args.code, on=as_of, era=args.era, level=args.level)
    except HierarchyError as error:
        raise UserError(str(error)) from None
    detail = unit_detail(AdminUnit.objects.get(pk=record.id), on=as_of)
    data = unit_as_dict(detail)
    if args.json:
        print_json(data)
        return 0
    validity = f"{data['valid_from'] or '…'} – {data['valid_to'] or '…'}"
    print(f"{data['name']} ({data['code']}) — {data['level']}, {data['kind']}, {data['era']}")
    print(f"  id {data['id']}, tên ngắn {data['short_name']}, hiệu lực {validity}")
    print(f"  vùng {data['region'] or '—'}, nhóm xã {data['commune_group'] or '—'}")
    if data["parent"]:
        parent = data["parent"]
        print(f"  thuộc {parent['name']} ({parent['code']}, {parent['level']})")
    for title, links in (("Trước đó", data["predecessors"]), ("Kế tiếp", data["successors"])):
        for link in links:
            event = link["event"]
            partial = ", một phần" if link["is_partial"] else ""
            act = f", {event['legal_act']}" if event["legal_act"] else ""
            print(
                f"  {title}: {link['name']} ({link['code']}, {link['level']}) "
                f"— {event['kind']} {event['date']}{act}{partial}"
            )
    return 0


def search_command(args: argparse.Namespace) -> int:
    from ntm.units.selectors import search_units

    as_of = parse_date(args.as_of)
    rows = [
        {
            "id": unit.pk,
            "code": unit.code,
            "name": unit.name,
            "level": unit.level,
            "era": unit.era.value,
            "valid_from": unit.valid_from,
            "valid_to": unit.valid_to,
            "parent": unit.parent.name if unit.parent else None,
        }
        for unit in search_units(args.query, on=as_of, limit=args.limit)
    ]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print(f"Không tìm thấy đơn vị nào khớp với {args.query!r}.")
    for row in rows:
        validity = f"{row['valid_from'] or '…'} – {row['valid_to'] or '…'}"
        parent = f", {row['parent']}" if row["parent"] else ""
        print(f"{row['code']:>6}  {row['name']} ({row['level']}{parent})  {validity}")
    return 0
