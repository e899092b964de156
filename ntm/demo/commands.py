"""`ntm demo`: set up, load the demo story, print the accounts, and serve."""

from __future__ import annotations

import argparse
import contextlib
import sys

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
