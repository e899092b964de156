"""Settings for every test, and how the suite splits over processes.

Passwords are hashed fast (the real hasher is for real accounts; hashing dominates the
set-up of tests that create many users).

Every test under ``tests/browser`` is marked ``browser`` (a real server and Chromium; CI
and ``make test`` run them as their own step).

With pytest-xdist (``-n 2``; ``--dist loadfile`` is the default in pyproject.toml) each
test file runs whole on one worker, so a world built once per module is built once; a
folder whose tests share a package-scoped fixture (the demo, loaded once for
``ntm/demo/tests``) runs whole on one worker too. The longest files go first, so the
workers finish together. Each worker has its own test database (pytest-django suffixes
the name with the worker id, ``_gw0``, the SQLite test file included).
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent

# Test folders whose files share a package-scoped fixture: one unit of work each.
SHARED_PACKAGES = ("ntm/demo/tests/",)

# Files and folders that take longest, longest first (then the rest by number of tests).
LONGEST_FIRST = (
    "tests/personas/",
    "ntm/demo/tests/",
    "tests/api/test_openapi_fuzz.py",
    "ntm/web/tests/test_serve_production.py",
    "ntm/backup/tests/test_backup.py",
    "ntm/values/tests/test_races.py",
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _unit_of_work(path: str) -> str:
    """The file of a test (a path relative to the root), or its shared package."""
    for package in SHARED_PACKAGES:
        if path.startswith(package):
            return package
    return path


def _rank(path: str) -> int:
    for rank, prefix in enumerate(LONGEST_FIRST):
        if path.startswith(prefix):
            return rank
    return len(LONGEST_FIRST)


def _relative(item: pytest.Item) -> str:
    try:
        return item.path.relative_to(ROOT).as_posix()
    except ValueError:
        return item.path.as_posix()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the browser tests (first, so that ``-m`` sees the marker); on an xdist worker,
    put the longest units of work first."""
    for item in items:
        if _relative(item).startswith("tests/browser/"):
            item.add_marker(pytest.mark.browser)
    if hasattr(config, "workerinput"):
        _longest_first(items)


def _longest_first(items: list[pytest.Item]) -> None:
    """Whole units of work in order: the known long ones, then by number of tests; the order
    inside a unit is kept. (xdist hands the units out in the order of this collection; its
    own reordering by number of tests is off in pyproject.toml.)"""
    units: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        units.setdefault(_unit_of_work(_relative(item)), []).append(index)
    order = sorted(units, key=lambda u: (_rank(u), -len(units[u]), units[u][0]))
    items[:] = [items[index] for unit in order for index in units[unit]]


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """``--dist loadfile``, with each shared package as one file."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SharedPackageScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _unit_of_work(super()._split_scope(nodeid))

    return SharedPackageScheduling(config, log)
