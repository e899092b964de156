"""One scope-checked unit lookup for every page and API operation (issue 10, §4).

It was written seven times over (pages raised a bare 404, the API its own message); a
unit outside the user's scope must be as absent as one that does not exist, everywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.http import Http404
from django.test import RequestFactory
from ninja.errors import HttpError

from ntm.accounts.api_lookup import api_visible_unit
from ntm.accounts.scope import UnitNotFound, scope_of, visible_unit
from ntm.testing import make_ky_anh, make_user

PACKAGE = Path(__file__).resolve().parents[2]
# The shapes of the old copies: a private helper, or a unit query next to a scope check.
COPIES = (
    r"^def _visible_unit\(",
    r"AdminUnit\.objects.*filter\(pk=unit_id\).*\n.*\n?.*allows\(",
    r"allows\(unit_id\).*\n.*\n?.*AdminUnit\.objects.*filter\(pk=unit_id\)",
)


@pytest.fixture
def units(db):
    return make_ky_anh()


def test_a_unit_in_scope_comes_with_its_parents_loaded(units, django_assert_num_queries):
    clerk = make_user("ky-anh", role="editor", unit=units["district"])
    for who in (clerk, scope_of(clerk)):
        with django_assert_num_queries(1):
            found = visible_unit(who, units["ky_lac"].pk)
            assert found.parent.parent.name == "Tỉnh Hà Tĩnh"
    assert visible_unit(clerk, str(units["ky_lac"].pk)) == units["ky_lac"]


def test_out_of_scope_missing_and_malformed_ids_are_the_same_404(units):
    clerk = make_user("ky-lac", role="editor", unit=units["ky_lac"])
    for unit_id in (units["ky_tay"].pk, units["district"].pk, 999_999, "x", "", None, 0):
        with pytest.raises(UnitNotFound) as raised:
            visible_unit(clerk, unit_id)
        assert isinstance(raised.value, Http404)
    # Not signed in: nothing is visible.
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(UnitNotFound):
        visible_unit(AnonymousUser(), units["ky_lac"].pk)


def test_the_api_answers_404_with_its_message(units):
    request = RequestFactory().get("/api/")
    request.user = make_user("ky-lac", role="editor", unit=units["ky_lac"])
    assert api_visible_unit(request, units["ky_lac"].pk) == units["ky_lac"]
    with pytest.raises(HttpError) as raised:
        api_visible_unit(request, units["ky_tay"].pk)
    assert raised.value.status_code == 404
    assert str(raised.value) == f"No unit {units['ky_tay'].pk} in your scope."
    with pytest.raises(HttpError) as raised:
        api_visible_unit(request, 999_999, "Not found")
    assert (raised.value.status_code, str(raised.value)) == (404, "Not found")


def test_no_module_keeps_its_own_copy_of_the_lookup():
    copies = []
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if any(re.search(pattern, text, re.M) for pattern in COPIES):
            copies.append(str(path.relative_to(PACKAGE)))
    assert copies == [], "use ntm.accounts.scope.visible_unit in " + ", ".join(copies)
