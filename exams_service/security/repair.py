"""Repair stored values the input readers would now refuse (lone surrogates, NUL): make them readable again."""

import re

from django.apps import apps
from django.db import models

from exams_service.security.inputs import clean_text_problem

APPS = ("exams", "acs", "monitoring", "xqueue", "lti", "events")
_SURROGATE = re.compile("[\ud800-\udfff]")  # a Python str holds only lone ones (pairs are one code point)
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def readable(value):
    """`value` with NUL removed and lone surrogates replaced by U+FFFD, in strings, keys and nested values."""
    if isinstance(value, str):
        if not clean_text_problem(value):
            return value
        return _SURROGATE.sub("\ufffd", value.replace("\x00", ""))
    if isinstance(value, list):
        return [readable(item) for item in value]
    if isinstance(value, dict):
        return {readable(key): readable(item) for key, item in value.items()}
    return value


def repair_stored_text(*, dry_run: bool = False) -> dict[str, int]:
    """Rewrite every row of our apps whose text or JSON cannot be encoded; returns rows fixed per model."""
    fixed = {}
    for model in (model for label in APPS for model in apps.get_app_config(label).get_models()):
        fields = [field.name for field in model._meta.concrete_fields if isinstance(field, TEXT_FIELDS)]
        if not fields:
            continue
        for row in model._base_manager.only("pk", *fields).iterator(chunk_size=500):
            changes = {name: readable(getattr(row, name)) for name in fields}
            changes = {name: value for name, value in changes.items() if value != getattr(row, name)}
            if changes:
                fixed[model._meta.label] = fixed.get(model._meta.label, 0) + 1
                if not dry_run:
                    model._base_manager.filter(pk=row.pk).update(**changes)
    return fixed
