"""`ntm template`, `ntm import` and `ntm bench-workbook`: the Excel round trip for scripts.

The same checks as the web pages: a refused file prints every problem (sheet, row,
column, value, why) and exits with status 1, writing nothing. Without --user the command
acts as the system (no scope); with --user, that user's role and scope apply. Every write
is audited with the channel "cli".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ntm.cli_support import UserError, print_json


def register(sub: argparse._SubParsersAction) -> None:
    template = sub.add_parser("template", help="write an Excel template to fill for a unit")
    template.add_argument("--unit", required=True, metavar="CODE", help="official unit code")
    template.add_argument("--set", required=True, dest="set_id", metavar="SET_ID")
    template.add_argument("--version", type=int, default=None, help="set version (default: latest)")
    template.add_argument(
        "--period", required=True, help="2024, 2024-H1, 2024-Q3, 2024-06 or 2021-09-25"
    )
    template.add_argument(
        "--children",
        action="store_true",
        help="all units at the set's level under the unit (e.g. every commune of a district)",
    )
    template.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.xlsx")
    template.add_argument("--user", default=None, metavar="USERNAME", help="act as this user")
    template.set_defaults(func=template_command)

    load = sub.add_parser("import", help="import a filled Excel template (all or nothing)")
    load.add_argument("file", type=Path, metavar="FILE.xlsx")
    load.add_argument("--dry-run", action="store_true", help="check and preview, write nothing")
    load.add_argument("--user", default=None, metavar="USERNAME", help="act as this user")
    load.add_argument("--json", action="store_true")
    load.set_defaults(func=import_command)

    bench = sub.add_parser(
        "bench-workbook", help="measure a 200-commune template: build, preview, apply"
    )
    bench.add_argument("--output", type=Path, default=Path("var/bench/workbook.json"))
    bench.add_argument("--communes", type=int, default=200)
    bench.set_defaults(func=bench_command)


def _user(username: str | None):
    if username is None:
        return None
    from django.contrib.auth import get_user_model

    user = (
        get_user_model().objects.select_related("profile__unit").filter(username=username).first()
    )
    if user is None:
        raise UserError(f"--user: no user named {username!r}")
    return user


def _find(find_unit, code: str, on, level: str, children: bool):
    """The unit of a code: at the set's level first, else at any level (the template
    check then says why a district cannot take a commune set, say)."""
    from ntm.core.hierarchy import HierarchyError

    if not children:
        try:
            return find_unit(code, on=on, level=level)
        except HierarchyError:
            pass
    return find_unit(code, on=on)


def template_command(args: argparse.Namespace) -> int:
    from ntm.core.hierarchy import HierarchyError
    from ntm.criteria.selectors import UnknownSet, get_set
    from ntm.units.models import AdminUnit
    from ntm.units.selectors import find_unit
    from ntm.workbooks.template import (
        TemplateRefused,
        check_period_ended,
        make_template,
        read_period,
    )

    user = _user(args.user)
    try:
        period = read_period(args.period)
        check_period_ended(period)
        criteria_set = get_set(args.set_id, args.version)
        record = _find(find_unit, args.unit, period.observed_on, criteria_set.level, args.children)
    except TemplateRefused as refused:
        raise UserError(f"--period: {refused.message}") from None
    except (UnknownSet, HierarchyError) as error:
        raise UserError(str(error)) from None
    unit = AdminUnit.objects.select_related("parent__parent__parent").get(pk=record.id)
    try:
        template = make_template(
            unit=unit,
            criteria_set=criteria_set,
            period=period,
            for_children=args.children,
            user=user,
        )
    except TemplateRefused as refused:
        raise UserError(refused.message) from None
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(template.content)
    print(
        f"{args.output}: {criteria_set.set_id}@{criteria_set.version}, kỳ {period.label} "
        f"({period.observed_on.isoformat()}), {len(template.codes.units)} đơn vị, "
        f"{template.rows} dòng."
    )
    return 0


def import_command(args: argparse.Namespace) -> int:
    from ntm.audit.services import Actor
    from ntm.workbooks.importing import import_workbook, preview_workbook
    from ntm.workbooks.reading import WorkbookRefused

    user = _user(args.user)
    try:
        content = args.file.read_bytes()
    except OSError as error:
        raise UserError(f"{args.file}: {error.strerror or error}") from None
    try:
        if args.dry_run:
            result = preview_workbook(content, user=user)
        else:
            result = import_workbook(
                content, actor=Actor(user=user, channel="cli"), filename=args.file.name
            )
    except WorkbookRefused as refused:
        if args.json:
            print_json({"status": "refused", "file": str(args.file), "message": refused.message})
        else:
            print(f"ntm: {args.file}: {refused.message}", file=sys.stderr)
        return 1
    reading = result.reading
    counts = result.counts
    status = "refused" if not result.is_valid else ("applied" if result.applied else "preview")
    if args.json:
        print_json(
            {
                "status": status,
                "file": str(args.file),
                "set": reading.criteria_set.set_id,
                "set_version": reading.criteria_set.version,
                "period": reading.period.label,
                "observed_on": reading.period.observed_on.isoformat(),
                "units": len(reading.codes.units),
                "counts": counts,
                "problems": [{"where": p.where, "message": p.message} for p in result.problems],
                "more_problems": result.more_problems,
                "more_problems_text": result.more_problems_text,
                "warnings": [{"where": p.where, "message": p.message} for p in reading.warnings],
            }
        )
        return 0 if result.is_valid else 1
    header = (
        f"{args.file}: {reading.criteria_set.set_id}@{reading.criteria_set.version}, "
        f"kỳ {reading.period.label}, {len(reading.codes.units)} đơn vị"
    )
    if not result.is_valid:
        print(f"{header}: không ghi gì, {counts['problems']} lỗi:", file=sys.stderr)
        for problem in result.problems:
            print(f"  {problem}", file=sys.stderr)
        if result.more_problems:
            print(f"  {result.more_problems_text}", file=sys.stderr)
        return 1
    for warning in reading.warnings:
        print(f"  lưu ý: {warning}", file=sys.stderr)
    verb = "sẽ ghi" if args.dry_run else "đã ghi"
    print(
        f"{header}: {verb} {counts['new']} mới, {counts['changed']} sửa; "
        f"{counts['unchanged']} giữ nguyên, {counts['blank']} dòng trống."
        + (" (thử, chưa ghi gì)" if args.dry_run else "")
    )
    return 0


def bench_command(args: argparse.Namespace) -> int:
    import json

    from ntm.workbooks.bench import run_workbook_benchmark

    results = run_workbook_benchmark(communes=args.communes)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print_json(results)
    print(f"Written to {args.output}", file=sys.stderr)
    return 0
