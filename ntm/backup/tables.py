"""Which tables a backup holds, in which order, and how a row's values become JSON and back.

Every concrete model (auto-created many-to-many tables included) is one table; rows are
kept with their primary keys, so no natural keys are needed. Values are written exactly:
dates and times in ISO 8601 with microseconds and offset, decimals as text, binary as
base64; reading them back goes through each field's own ``to_python``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.duration import duration_string

FORMAT = "ntm-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
# Created by `migrate` in every database; a restore replaces them with the archive's rows.
CREATED_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}


class BackupError(Exception):
    """A backup or restore that cannot go on: the message says what and what to do."""


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def backup_models() -> list[type[models.Model]]:
    """Every stored model, each after the models its foreign keys point to (when possible)."""
    candidates = sorted(
        (
            m
            for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy
        ),
        key=label,
    )
    ordered: list[type[models.Model]] = []
    placed: set[type[models.Model]] = set()
    remaining = list(candidates)
    while remaining:
        ready = [m for m in remaining if _targets(m) <= placed | {m}]
        # A cycle of foreign keys: take the rest as they come (constraints are deferred).
        for model in ready or remaining:
            ordered.append(model)
            placed.add(model)
        remaining = [m for m in remaining if m not in placed]
    return ordered


def _targets(model: type[models.Model]) -> set[type[models.Model]]:
    return {
        field.related_model._meta.concrete_model
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is not None
    }


def columns(model: type[models.Model]) -> list[models.Field]:
    return list(model._meta.concrete_fields)


def _iso(value: Any) -> str:
    return value.isoformat()


_ENCODERS: dict[str, Callable[[Any], Any]] = {
    "DateTimeField": _iso,
    "DateField": _iso,
    "TimeField": _iso,
    "DecimalField": str,
    "UUIDField": str,
    "DurationField": duration_string,
    "BinaryField": lambda value: base64.b64encode(bytes(value)).decode("ascii"),
}


def row_encoder(fields: list[models.Field]) -> Callable[[tuple], list]:
    """A function turning a ``values_list`` row of these fields into JSON-ready values."""
    encoders = [_ENCODERS.get(field.get_internal_type()) for field in fields]

    def encode(row: tuple) -> list:
        return [
            value if encoder is None or value is None else encoder(value)
            for encoder, value in zip(encoders, row, strict=True)
        ]

    return encode


def row_decoder(fields: list[models.Field], connection) -> Callable[[list], list]:
    """A function turning a JSON row back into the values the database is sent."""
    parse = [field.get_internal_type() in _ENCODERS for field in fields]
    # A JSON column that may not be NULL stores a JSON null, which reads back as None.
    json_null = [isinstance(field, models.JSONField) and not field.null for field in fields]

    def decode(row: list) -> list:
        values = []
        for field, needs_parse, keeps_null, value in zip(
            fields, parse, json_null, row, strict=True
        ):
            if value is None and not keeps_null:
                values.append(None)
                continue
            if needs_parse:
                value = field.to_python(value)
            values.append(field.get_db_prep_save(value, connection))
        return values

    return decode


def file_fields(model: type[models.Model]) -> list[int]:
    """Positions of the model's file columns among ``columns(model)``."""
    return [i for i, field in enumerate(columns(model)) if isinstance(field, models.FileField)]
