"""Reading a criteria document: the refusal that names the file, the place and the reason,
the fields each part may have, and typed access to them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ntm.core.criteria.model import (
    Confidence,
)


class CriteriaDataError(ValueError):
    """A criteria file that cannot be accepted: where, and why."""

    def __init__(self, file: str, path: str, reason: str):
        self.file, self.path, self.reason = file, path, reason
        where = f"{file}: {path}" if path else file
        super().__init__(f"{where}: {reason}")


SET_KEYS = {
    "id", "version", "status", "name_vi", "name_en", "level", "tier", "period",
    "differentiation", "requires", "extends", "province_code", "confidence", "legal_source",
    "revocation_key_criteria", "note", "groups", "criteria", "conditions", "overrides",
    "region",
}  # fmt: skip
CRITERION_KEYS = {
    "number", "group", "name_vi", "name_en", "confidence", "sources", "note", "indicators",
}  # fmt: skip
INDICATOR_KEYS = {
    "code", "name_vi", "name_en", "kind", "unit", "comparator", "confidence", "sources",
    "national", "thresholds", "recalled", "note", "ratio", "aggregate",
}  # fmt: skip
ROW_KEYS = {"value", "region", "group", "from_year", "confidence", "sources", "note"}
LEGAL_KEYS = {"number", "date", "effective", "issuer", "confidence", "sources", "note", "annex"}


class _Reader:
    """Typed access to a mapping that reports errors with the file and path."""

    def __init__(self, file: str):
        self.file = file

    def fail(self, path: str, reason: str) -> CriteriaDataError:
        return CriteriaDataError(self.file, path, reason)

    def mapping(self, value: Any, path: str, allowed: set[str]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"must be a mapping, got {type(value).__name__}")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self.fail(
                f"{path}.{unknown[0]}" if path else unknown[0],
                f"unknown field (allowed: {', '.join(sorted(allowed))})",
            )
        return value

    def text(self, m: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> str:
        value = m.get(key)
        if value is None or value == "":
            if required:
                raise self.fail(self._p(path, key), "is required")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(self._p(path, key), f"must be text, got {type(value).__name__}")
        return str(value).strip()

    def choice(
        self, m: Mapping[str, Any], key: str, path: str, choices: tuple[str, ...] | list[str],
        *, required: bool = True, default: str | None = None,
    ) -> str | None:  # fmt: skip
        value = m.get(key, default)
        if value is None:
            if required:
                raise self.fail(self._p(path, key), "is required")
            return None
        if value not in choices:
            raise self.fail(
                self._p(path, key), f"{value!r} is not one of: {', '.join(map(str, choices))}"
            )
        return str(value)

    def integer(
        self, m: Mapping[str, Any], key: str, path: str, *, required: bool = False,
        minimum: int | None = None, maximum: int | None = None,
    ) -> int | None:  # fmt: skip
        value = m.get(key)
        if value is None:
            if required:
                raise self.fail(self._p(path, key), "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(self._p(path, key), f"must be a whole number, got {value!r}")
        if minimum is not None and value < minimum:
            raise self.fail(self._p(path, key), f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise self.fail(self._p(path, key), f"must be at most {maximum}, got {value}")
        return value

    def number(self, m: Mapping[str, Any], key: str, path: str) -> float:
        value = m.get(key)
        if value is None:
            raise self.fail(
                self._p(path, key), "is required (a row exists only for a value seen in a source)"
            )
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(self._p(path, key), f"must be a number, got {value!r}")
        return float(value)

    def date_text(self, m: Mapping[str, Any], key: str, path: str) -> str | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        raise self.fail(self._p(path, key), f"must be a date YYYY-MM-DD or null, got {value!r}")

    def sources(self, m: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        value = m.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(self._p(path, key), "must be a list of URLs or document references")
        return tuple(value)

    def sequence(self, m: Mapping[str, Any], key: str, path: str) -> list[Any]:
        value = m.get(key) or []
        if not isinstance(value, list):
            raise self.fail(self._p(path, key), "must be a list")
        return value

    @staticmethod
    def _p(path: str, key: str) -> str:
        return f"{path}.{key}" if path else key


def _confidence(
    r: _Reader, m: Mapping[str, Any], path: str, default: str | None = None
) -> Confidence:
    value = r.choice(m, "confidence", path, [c.value for c in Confidence], default=default)
    return Confidence(value)
