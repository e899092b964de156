"""`ntm serve --production`: checks, collectstatic, then gunicorn with workers sized to the
machine. The gunicorn options come from the environment here, so `config/gunicorn.conf.py`
(for running gunicorn directly, e.g. from systemd) and the command agree.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from ntm.cli_support import UserError

MAX_AUTO_WORKERS = 12
DEFAULT_BIND = "127.0.0.1:8000"
CONFIG_FILE = Path(__file__).resolve().parent.parent / "config" / "gunicorn.conf.py"
# The access log never shows query strings (they may carry tokens): %(U)s is the path only.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms request=%({x-request-id}o)s'


def _env_int(env: Mapping[str, str], name: str, default: int, *, low: int = 1) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise UserError(f"{name}={raw!r} is not a whole number") from None
    if value < low:
        raise UserError(f"{name}={value} is too small (at least {low})")
    return value


def _env_bool(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def gunicorn_options(env: Mapping[str, str], cpu_count: int | None) -> dict[str, object]:
    """Workers, threads, timeout, bind and trusted proxy addresses from the environment.

    Workers: NTM_WORKERS, else 2 x cores + 1 capped at MAX_AUTO_WORKERS. Gunicorn believes
    X-Forwarded-Proto only from NTM_FORWARDED_ALLOW_IPS (default: this machine) and only
    when NTM_TRUSTED_PROXY is on, like Django's own proxy setting.
    """
    cores = max(1, cpu_count or 1)
    workers = _env_int(env, "NTM_WORKERS", min(2 * cores + 1, MAX_AUTO_WORKERS))
    trusted = _env_bool(env, "NTM_TRUSTED_PROXY")
    allow = env.get("NTM_FORWARDED_ALLOW_IPS", "127.0.0.1,::1").strip() if trusted else ""
    return {
        "workers": workers,
        "threads": _env_int(env, "NTM_THREADS", 4),
        "timeout": _env_int(env, "NTM_TIMEOUT", 120),
        "bind": env.get("NTM_BIND", "").strip() or DEFAULT_BIND,
        "forwarded_allow_ips": allow,
    }


def gunicorn_argv(env: Mapping[str, str], cpu_count: int | None, python: str) -> list[str]:
    """The command line that runs gunicorn on config.wsgi with the options above."""
    options = gunicorn_options(env, cpu_count)
    return [
        python,
        "-m",
        "gunicorn",
        "--config",
        str(CONFIG_FILE),
        "--workers",
        str(options["workers"]),
        "--threads",
        str(options["threads"]),
        "--timeout",
        str(options["timeout"]),
        "--bind",
        str(options["bind"]),
        "--access-logfile",
        "-",
        f"--forwarded-allow-ips={options['forwarded_allow_ips']}",
        "config.wsgi:application",
    ]


def unapplied_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def prepare(*, migrate: bool) -> None:
    """Refuse debug mode and unapplied migrations (or apply them), then collectstatic."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    if settings.DEBUG:
        raise UserError(
            "NTM_DEBUG is on: the production server refuses to start with debug pages; "
            "set NTM_DEBUG=0 and a real NTM_SECRET_KEY (see docs/deploy.md)"
        )
    pending = unapplied_migrations()
    if pending and not migrate:
        shown = ", ".join(pending[:5]) + (" ..." if len(pending) > 5 else "")
        raise UserError(
            f"{len(pending)} migration(s) not applied yet ({shown}); back up the database "
            "(`ntm backup -o FILE`), then run `ntm serve --production --migrate` "
            "or `python manage.py migrate`"
        )
    if pending:
        print(f"Applying {len(pending)} migration(s)...", flush=True)
        call_command("migrate", interactive=False, verbosity=1)
    print("Collecting static files...", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()


def serve_production(*, migrate: bool) -> int:
    prepare(migrate=migrate)
    argv = gunicorn_argv(os.environ, os.cpu_count(), sys.executable)
    print("Starting: " + " ".join(argv[1:]), flush=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(argv[0], argv)
    return 0  # pragma: no cover - execv does not return
