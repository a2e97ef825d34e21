from django.core import checks

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
