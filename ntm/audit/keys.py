"""The object types an audit entry may be keyed by, old and new, for models that moved.

Audit entries are append-only and keep the object type they were written with
(``obj._meta.label_lower``): a value entered before issue 10 is ``assessments.indicatorvalue``,
one entered after is ``values.indicatorvalue``. Lookups by object type go through
``object_type_keys`` so a record's history holds both; nothing rewrites the table.
"""

from __future__ import annotations

from ntm.core.moves import MOVED_FROM_ASSESSMENTS, OLD_APP

#: Old key -> new key, e.g. ``assessments.indicatorvalue`` -> ``values.indicatorvalue``.
MOVED_KEYS: dict[str, str] = {
    f"{OLD_APP}.{model}": f"{app}.{model}" for model, app in MOVED_FROM_ASSESSMENTS.items()
}
_OLD_KEYS: dict[str, list[str]] = {}
for _old, _new in MOVED_KEYS.items():
    _OLD_KEYS.setdefault(_new, []).append(_old)


def current_object_type(object_type: str) -> str:
    """The key a model is written under today (``object_type`` itself if it never moved)."""
    return MOVED_KEYS.get(object_type, object_type)


def object_type_keys(object_type: str) -> list[str]:
    """Every key entries about this object type may carry: today's first, then older ones."""
    current = current_object_type(object_type)
    return [current, *_OLD_KEYS.get(current, [])]
