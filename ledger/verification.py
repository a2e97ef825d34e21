"""Recompute a chapter's chain from its first row and name the first row where it breaks."""

import heapq
import re
from dataclasses import dataclass
from itertools import groupby

from django.utils.translation import gettext, gettext_noop

from ledger.hashing import GENESIS, link_hash
from ledger.models import LedgerHead, ledger_models


@dataclass(frozen=True)
class Row:
    sequence: int
    label: str
    pk: int
    chain_hash: str
    values: dict

    def __str__(self):
        return f"{self.label} #{self.pk} (sequence {self.sequence})"

    def follows(self, previous_hash: str) -> bool:
        return self.chain_hash == link_hash(previous_hash, self.label, self.sequence, self.values)


# What a break reads: stored in English (ChainCheck.problem, the command's output) and translated where the audit
# shows it, by matching the stored text against these.
DELETED_AT_END = gettext_noop("The chain ends at sequence %(rows)s but its head says %(head)s: rows deleted.")
HEAD_MISMATCH = gettext_noop("The chain's head does not match its last row.")
MISSING = gettext_noop("Sequence %(sequence)s is missing (deleted) before %(row)s.")
AFTER_HEAD = gettext_noop("%(row)s comes after the chain's head (%(head)s): inserted in the database.")
CHANGED = gettext_noop("%(row)s does not match its hash: changed, or inserted, in the database.")
SHARED = gettext_noop("%(row)s shares sequence %(sequence)s with another row: inserted in the database.")
PROBLEMS = [DELETED_AT_END, HEAD_MISMATCH, MISSING, AFTER_HEAD, CHANGED, SHARED]


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"%\((\w+)\)s", template)
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
    return re.compile(f"^{regex}$")


def translated_problem(problem: str) -> str:
    """A stored problem in the active language (a text none of PROBLEMS reads, as stored)."""
    for template in PROBLEMS:
        if found := _pattern(template).match(problem):
            return gettext(template) % found.groupdict()  # marked with gettext_noop above
    return problem


@dataclass(frozen=True)
class Verdict:
    chapter_code: str
    rows: int
    head: str
    problem: str
    met_head: bool  # whether the head asked about is one of the chain's hashes

    @property
    def ok(self) -> bool:
        return not self.problem


def _rows(chapter_id: int):
    """Every ledger row of the chapter in chain order, streamed from each table and merged."""
    streams = [_rows_of(model, chapter_id) for model in ledger_models()]
    return heapq.merge(*streams, key=lambda row: (row.sequence, row.label, row.pk))


def _rows_of(model, chapter_id: int):
    label, fields = model.chain_label, ["pk", "sequence", "chain_hash", *model.chain_fields]
    rows = model._base_manager.filter(chapter_id=chapter_id).order_by("sequence", "pk").values(*fields)
    for values in rows.iterator(chunk_size=2000):
        yield Row(values.pop("sequence"), label, values.pop("pk"), values.pop("chain_hash"), values)


def verify(chapter, head: str = "") -> Verdict:
    """Recompute the chapter's chain and check it ends at its stored head; note whether `head` is in it."""
    stored = LedgerHead.objects.filter(chapter=chapter).first() or LedgerHead(chapter=chapter)
    rows, last_hash, met_head, problem = _walk(chapter.pk, stored, head)
    if not problem and stored.sequence > rows:
        problem = DELETED_AT_END % {"rows": rows, "head": stored.sequence}
    elif not problem and stored.hash != last_hash:
        problem = HEAD_MISMATCH
    return Verdict(chapter.code, rows, last_hash, problem, met_head)


def _walk(chapter_id: int, stored: LedgerHead, head: str) -> tuple[int, str, bool, str]:
    """Follow the chain from its start: rows that hold, the last hash, whether `head` was met, the break."""
    previous, expected, seen_head = GENESIS, 1, False
    groups = groupby(_rows(chapter_id), key=lambda row: row.sequence)
    pending = next(groups, None)
    while pending is not None:
        sequence, rows = pending[0], list(pending[1])
        pending = next(groups, None)
        if sequence != expected:
            return expected - 1, previous, seen_head, MISSING % {"sequence": expected, "row": rows[0]}
        if sequence > stored.sequence:
            problem = AFTER_HEAD % {"row": rows[0], "head": stored.sequence}
            return expected - 1, previous, seen_head, problem
        genuine, problem = _pick(rows, previous, pending, stored)
        if problem:
            return expected - 1, previous, seen_head, problem
        previous, expected = genuine.chain_hash, expected + 1
        seen_head = seen_head or (bool(head) and genuine.chain_hash.startswith(head))
    return expected - 1, previous, seen_head, ""


def _pick(rows: list[Row], previous: str, pending, stored: LedgerHead) -> tuple[Row | None, str]:
    """The row that belongs at this place in the chain, or why none does."""
    linked = [row for row in rows if row.follows(previous)]
    if not linked:
        return None, CHANGED % {"row": rows[0]}
    if len(rows) == 1:
        return rows[0], ""
    if len(linked) > 1:
        # Both fit the row before; the genuine one is what the next row (or the head) builds on.
        after = next(pending[1], None) if pending else None
        linked = [row for row in linked if (after.follows(row.chain_hash) if after else row.chain_hash == stored.hash)]
    intruder = next(row for row in rows if row not in linked[:1])
    return None, SHARED % {"row": intruder, "sequence": rows[0].sequence}
