"""The fixed text a ledger row's hash covers, and the hash that links it to the row before.

A row is named in its hash by its model's permanent `chain_label`, never by where the model lives today,
so a model can move between apps without breaking a chain that exists.
"""

import datetime
import functools
import hashlib
import json
from decimal import ROUND_HALF_EVEN, Decimal

GENESIS = "0" * 64
CENTS = Decimal("0.01")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.quantize(CENTS, rounding=ROUND_HALF_EVEN), "f")
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def canonical(label: str, sequence: int, values: dict) -> str:
    """The fixed text a row's hash covers: its model, place in the chain and ledger fields, in order."""
    return json.dumps([label, sequence, [[name, _text(value)] for name, value in values.items()]], ensure_ascii=False)


def link_hash(previous: str, label: str, sequence: int, values: dict) -> str:
    return hashlib.sha256(f"{previous}\n{canonical(label, sequence, values)}".encode()).hexdigest()


def chained_values(entry) -> dict:
    """The values of the fields `entry` chains, as its hash reads them: a decimal field given as a number or text
    (a quantity of 5, an amount of "12.5") is hashed as the decimal the database gives back."""
    values = {name: getattr(entry, name) for name in entry.chain_fields}
    for name in _decimal_fields(type(entry)):
        if isinstance(values[name], int | str | float):
            values[name] = Decimal(str(values[name]))
    return values


@functools.cache
def _decimal_fields(model) -> tuple[str, ...]:
    return tuple(
        name for name in model.chain_fields if model._meta.get_field(name).get_internal_type() == "DecimalField"
    )
