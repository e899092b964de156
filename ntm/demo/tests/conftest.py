"""The demo, loaded once for every test module of this package (about 45 s on SQLite)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from ntm.demo.loader import load_demo


@pytest.fixture(scope="package", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from ntm.criteria.services import load_criteria_sets
        from ntm.units.services import load_package_units

        load_criteria_sets()
        load_package_units()
        report = load_demo()
        yield report
        call_command("flush", interactive=False, verbosity=0)
