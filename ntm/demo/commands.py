"""`ntm demo`: set up, load the demo story, print the accounts, and serve; `ntm bench-dashboard`:
time the pages on the demo data."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from ntm.cli_support import UserError, print_json


def register(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser(
        "demo", help="set up, load the demo data (the seed reports as data) and serve the app"
    )
    demo.add_argument("--no-serve", action="store_true", help="load only, do not serve")
    demo.add_argument("--json", action="store_true", help="print the demo accounts as JSON")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.set_defaults(func=demo_command)

    bench_dashboard = sub.add_parser(
        "bench-dashboard", help="time the dashboard and map pages on the demo data"
    )
    bench_dashboard.add_argument("--output", type=Path, default=Path("var/bench/dashboard.json"))
    bench_dashboard.add_argument("--repeat", type=int, default=3)
    bench_dashboard.set_defaults(func=bench_dashboard_command)


def demo_command(args: argparse.Namespace) -> int:
    from ntm.demo.history import HistoryDataError
    from ntm.demo.loader import load_demo
    from ntm.units.services import ReorganizationRefused
    from ntm.web.commands import serve_command, setup_command

    # With --json, stdout carries only the accounts; progress goes to stderr.
    progress = sys.stderr if args.json else sys.stdout
    with contextlib.redirect_stdout(progress):
        setup_command(argparse.Namespace(skip_units=False, json=False))
        try:
            report = load_demo()
        except (HistoryDataError, ReorganizationRefused) as error:
            raise UserError(f"demo data refused: {error}") from None
        if report.loaded:
            s = report.synthetic
            print(
                f"Demo loaded in {report.seconds} s: {report.history_events} earlier "
                f"reorganizations, {s['certifications']} criterion certifications, "
                f"{s['values']} values, {s['recognitions']} recognitions (synthetic, fixed seed)."
            )
        else:
            print("Demo data already loaded; accounts refreshed.")
    if args.json:
        print_json(report.accounts)
    else:
        password = report.accounts[0]["password"]
        print(f"\nDemo accounts (password for all: {password}):")
        for account in report.accounts:
            print(f"  {account['username']:<10} {account['role']:<14} {account['unit']}")
    if args.no_serve:
        return 0
    url = f"http://{args.host}:{args.port}/"
    print(f"\nOpen {url} and log in with one of the accounts above.", flush=True)
    return serve_command(args)


def ensure_demo() -> float:
    """Load the demo (set-up included) unless it is there; the seconds it took."""
    import io
    import time

    from ntm.demo.loader import is_loaded, load_demo
    from ntm.web.commands import setup_command

    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        setup_command(argparse.Namespace(skip_units=False, json=False))
        if not is_loaded():
            load_demo()
    return time.perf_counter() - started


def bench_dashboard_command(args: argparse.Namespace) -> int:
    import json

    from ntm.dashboards.bench_dashboard import run_dashboard_benchmark

    results = run_dashboard_benchmark(prepare=ensure_demo, repeat=args.repeat)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print_json(results)
    print(f"Written to {args.output}", file=sys.stderr)
    return 0
