from django.core import checks
from django.db import models

from ledger.models import ledger_models


def check_chain_labels(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every ledger model names itself in the hash with a label of its own, declared on it and never reused."""
    problems, seen = [], {}
    for model in ledger_models():
        label = model.__dict__.get("chain_label", "")
        if not label:
            problems.append(
                checks.Error(
                    f"{model._meta.label} is a ledger model without a chain_label of its own.",
                    hint=f'Add chain_label = "{model._meta.label_lower}" to it, and never change it afterwards.',
                    obj=model,
                    id="ledger.E001",
                )
            )
        elif label in seen:
            problems.append(
                checks.Error(
                    f"{model._meta.label} and {seen[label]._meta.label} share the chain_label {label!r}.",
                    obj=model,
                    id="ledger.E002",
                )
            )
        seen[label] = model
    return problems


def check_unhashed_fields(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """What stays outside a row's hash is free text a purge or an eraser may blank (a note, a donor's name): the
    triggers let an UPDATE blank it and nothing else, so it must be text that may be blank."""
    problems = []
    for model in ledger_models():
        for name in model.unhashed_fields:
            field = model._meta.get_field(name)
            text = isinstance(field, models.CharField | models.TextField) and field.blank
            if not text or name in model.chain_fields:
                problems.append(
                    checks.Error(
                        f"{model._meta.label}.{name} is outside the hash but is not erasable text.",
                        hint="Only text that may be blank stays out of chain_fields, for a purge to blank it.",
                        obj=model,
                        id="ledger.E003",
                    )
                )
    return problems
