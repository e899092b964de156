"""`ntm setup`, `ntm serve` and `ntm bench` (`ntm bench-dashboard` is the demo's)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ntm.cli_support import UserError, print_json


def register(sub: argparse._SubParsersAction) -> None:
    setup = sub.add_parser("setup", help="migrate and load units and criteria sets (idempotent)")
    setup.add_argument("--skip-units", action="store_true", help="do not load the national units")
    setup.add_argument("--json", action="store_true")
    setup.set_defaults(func=setup_command)

    serve = sub.add_parser("serve", help="serve the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--production",
        action="store_true",
        help="gunicorn with NTM_DEBUG=0: checks migrations, runs collectstatic (docs/deploy.md)",
    )
    serve.add_argument(
        "--migrate", action="store_true", help="with --production: apply pending migrations"
    )
    serve.set_defaults(func=serve_command)

    bench = sub.add_parser("bench", help="measure a national evaluation run")
    bench.add_argument("--output", type=Path, default=Path("var/bench/evaluation.json"))
    bench.add_argument("--repeat", type=int, default=5)
    bench.set_defaults(func=bench_command)


def setup_command(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    from ntm.core.criteria.schema import CriteriaDataError
    from ntm.criteria.services import load_criteria_sets
    from ntm.units.services import load_package_units

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    try:
        criteria = load_criteria_sets()
    except CriteriaDataError as error:
        raise UserError(f"criteria set refused: {error}") from None
    units = None if args.skip_units else load_package_units()
    summary = {
        "criteria_sets": criteria.as_dict(),
        "units": units.as_dict() if units is not None else None,
        "seconds": round(time.perf_counter() - started, 1),
    }
    if args.json:
        print_json(summary)
    else:
        print(
            f"Criteria sets: {len(criteria.created)} created, {len(criteria.updated)} updated, "
            f"{len(criteria.unchanged)} unchanged."
        )
        if units is not None:
            print(f"Units: {units.summary()}")
        print(f"Set-up done in {summary['seconds']} s.")
    return 0


def serve_command(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    if args.production:
        from ntm.production import serve_production

        return serve_production(migrate=args.migrate)
    if args.migrate:
        raise UserError("--migrate only goes with --production (`ntm setup` migrates too)")

    url = f"http://{args.host}:{args.port}/"
    print(f"ntm is served at {url}  (Ctrl+C to stop)", flush=True)
    sys.stdout.flush()
    call_command("runserver", f"{args.host}:{args.port}", use_reloader=False)
    return 0


def bench_command(args: argparse.Namespace) -> int:
    from ntm.bench import run_benchmark

    results = run_benchmark(repeat=args.repeat)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    import json

    args.output.write_text(
        json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print_json(results)
    print(f"Written to {args.output}", file=sys.stderr)
    return 0
