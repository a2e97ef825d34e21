"""Print every ledger row as table, id, chain label, sequence and chain hash, one per line, sorted.

Run with `manage.py shell -c` in this tree or in the first release's: there the label was the model's
label (before chain labels existed, rows were hashed with it), here it is the model's permanent chain_label.
"""

from django.apps import apps

try:
    from ledger.models import LedgerEntry
except ImportError:  # the first release kept the ledger in mimac
    from mimac.ledger import LedgerEntry

lines = []
for model in (m for m in apps.get_models() if issubclass(m, LedgerEntry)):
    label = getattr(model, "chain_label", "") or model._meta.label_lower
    for pk, sequence, chain_hash in model._base_manager.values_list("pk", "sequence", "chain_hash"):
        lines.append(f"{model._meta.db_table}\t{pk}\t{label}\t{sequence}\t{chain_hash}")
print("\n".join(sorted(lines)))
