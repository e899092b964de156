"""`ntm evaluate`: one unit against one criteria set as of a date."""

from __future__ import annotations

import argparse

from ntm.cli_support import UserError, parse_date, print_json


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("evaluate", help="evaluate a unit against a criteria set as of a date")
    parser.add_argument("--unit", required=True, metavar="CODE", help="official unit code")
    parser.add_argument("--set", required=True, dest="set_id", metavar="SET_ID")
    parser.add_argument("--version", type=int, default=None, help="set version (default: latest)")
    parser.add_argument("--as-of", default=None, metavar="DATE", help="YYYY-MM-DD (default: today)")
    parser.add_argument("--level", default=None, help="unit level, when a code is reused")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=evaluate_command)


def evaluate_command(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from ntm.core.hierarchy import HierarchyError
    from ntm.criteria.selectors import UnknownSet, get_set
    from ntm.dashboards.evaluation import evaluate_unit
    from ntm.units.models import AdminUnit
    from ntm.units.selectors import find_unit

    as_of = parse_date(args.as_of) or timezone.localdate()
    try:
        criteria_set = get_set(args.set_id, args.version, on=as_of)
    except UnknownSet as error:
        raise UserError(str(error)) from None
    level = args.level or criteria_set.level
    try:
        record = find_unit(args.unit, on=as_of, level=level)
    except HierarchyError as error:
        raise UserError(str(error)) from None
    unit = AdminUnit.objects.select_related("parent").get(pk=record.id)
    report = evaluate_unit(unit, criteria_set, as_of)
    output = {
        "unit": {
            "id": unit.id,
            "code": unit.code,
            "name": unit.name,
            "level": unit.level,
            "era": unit.era.value,
            "region": unit.region or None,
            "commune_group": unit.commune_group,
            "parent": unit.parent.name if unit.parent else None,
        },
        **report,
    }
    if args.json:
        print_json(output)
        return 0
    print(
        f"{unit.name} ({unit.code}) — {criteria_set.set_id}@{criteria_set.version}, {as_of.isoformat()}"
    )
    print(f"Đạt {report['met']}/{report['total']} tiêu chí")
    for c in report["criteria"]:
        mark = {"met": "✓", "not_met": "✗", "missing": "…", "not_evaluable": "?"}[c["status"]]
        print(f"  {mark} {c['number']}. {c['name']}{' (xác nhận)' if c['certified'] else ''}")
    tiers = ", ".join(report["eligible_tiers"]) or "—"
    print(f"Đủ điều kiện: {tiers}")
    print("(✓ đạt · ✗ chưa đạt · … thiếu số liệu · ? chưa đánh giá được: ngưỡng cần xác nhận)")
    return 0
