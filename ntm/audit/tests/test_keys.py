"""Audit entries keep the object type they were written with; lookups read old and new keys."""

from __future__ import annotations

from django.apps import apps

from ntm.audit.keys import MOVED_KEYS, current_object_type, object_type_keys


def test_a_moved_model_is_looked_up_under_its_new_and_its_old_key():
    expected = ["values.indicatorvalue", "assessments.indicatorvalue"]
    assert object_type_keys("values.indicatorvalue") == expected
    assert object_type_keys("assessments.indicatorvalue") == expected
    assert current_object_type("assessments.revocation") == "recognition.revocation"


def test_a_model_that_never_moved_keeps_its_one_key():
    assert object_type_keys("auth.user") == ["auth.user"]
    assert current_object_type("recognition.recognitioncase") == "recognition.recognitioncase"


def test_every_model_on_a_table_of_assessments_is_mapped_to_where_it_lives_now():
    # A model whose table still says assessments_ came from there: its audit entries may
    # carry the old key, so the map must name it, and name the app it lives in today.
    on_old_tables = {
        f"assessments.{m._meta.model_name}": m._meta.label_lower
        for m in apps.get_models()
        if m._meta.db_table.startswith("assessments_")
    }
    assert on_old_tables == MOVED_KEYS
