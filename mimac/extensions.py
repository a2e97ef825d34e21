"""Where apps above plug into the pages and operations of apps below, so that no app imports up or reaches
into another's relations. Each upper app appends to these lists in its `AppConfig.ready`; the owning page
or operation goes through the list without knowing who is on it. Plain lists, called in order: no signals
(STYLE.md), so what runs is visible here and in the `ready` methods.

Page sections. A `Section` is a template and a context function `(request, obj) -> dict | None`; None leaves
the section out (say, for a viewer who may not see it). The page's view asks `sections(...)` and its
template renders them with `{% render_sections sections %}` (mimac/templatetags/extensions.py), in the
page's own context with the section's on top.
- `household_sections`: the household page (`recipients:household_detail`), obj = the household. Deliveries
  adds what reached them lately and their own word.
- `member_sections`: a member's page (`member_detail`), obj = the membership. Money adds their dues; the audit
  their track record.
- `vouch_sections`: the vouch form (`member_vouch`), obj = the membership: what a voucher reads before vouching for an
  observing member. The audit adds the track record.

Blocks per stop. A `StopBlock` is a template and a context function `(request, stops) -> {stop pk: dict}`,
called once for all the page's stops so that a block costs the same queries for 1 stop or 25; a stop
missing from the answer gets no block. The view asks `stop_blocks(...)`, the template renders a stop's
with `{% render_stop_blocks blocks stop %}`. Blocks show; they add no fields to the page's form.
- `route_sheet_blocks`: each stop on the printed route sheet (`deliveries:route_print`). For bulletins, loans.
- `key_in_blocks`: each stop of the form that keys a returned sheet in (`deliveries:route_key_in`).
- `stop_record_blocks`: the stop a volunteer records on the road (`deliveries:stop_record`).
- `route_builder_blocks`: each stop of the route builder (`deliveries:route_detail`), for the coordinator planning it.
  The library shows what to bring and to collect there.

Operations.
- `stop_actions`: functions `(request, stop, post_data) -> list[str]` that act on what a stop's blocks ticked (boxes
  placed in the stop's form: `form="stop-form"`), called by deliveries after a stop was saved: by the stop record and
  by the key-in (for each stop of the sheet). Each returns the messages to show; each must count a tick once, for a
  form sent twice. The library lends a requested copy handed over and takes back a loan collected.
- `household_erasers`: functions `(household) -> None` that blank what an app keeps about a household
  (free-text notes); `Household.erase` calls each, in its transaction. Deliveries blanks its stops' and
  reports' notes.
- `first_record_days`: functions that give the day of a chapter's first record an app holds (or None); a
  chapter cannot say it started after any of them. The ledger adds its own.
- `household_changes`: functions `(household) -> None` called after a household's details or status were
  saved (recipients' edit and status pages). Deliveries plans its standing deliveries again.
- `closure_day_changes`: functions `(chapter, date) -> None` called after a closure day of the chapter was
  added or removed (pickups' closure pages, which plan pickups themselves). Deliveries plans that day's routes.
- `photo_actions`: functions `(photo) -> Action | None` that name what seeing a photo takes beyond being a member
  of its chapter, for a photo an app guards more closely; `access.get_photo` requires each. Money names
  `Action.VIEW_RECEIPTS` for a receipt (the no-faces check leaves names and card digits on it).
- `shared_shifts`: functions `(membership) -> int` that count the shifts (pickups, routes) an app holds that the member
  did together with a trusted member of the chapter; `Membership.vouch_refusal` adds them up against the chapter's
  `shifts_before_vouching`. The audit counts pickups and routes (its track record shows the same shifts).
- `retention_purges`: functions `(apply: bool) -> str` that erase what an app keeps past its retention (or, when
  not `apply`, only count it) and say so in a line; `purge_households`, the monthly retention job that `restore`
  runs again, calls each after the households. Money erases donors' names.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Section:
    template: str
    context: Callable[[HttpRequest, Any], dict | None]


@dataclass(frozen=True)
class StopBlock:
    template: str
    context: Callable[[HttpRequest, Sequence[Any]], Mapping[int, dict]]


@dataclass(frozen=True)
class Rendering:
    """A section or block as a page renders it: its template with its context."""

    template: str
    context: dict


household_sections: list[Section] = []
member_sections: list[Section] = []
vouch_sections: list[Section] = []
route_sheet_blocks: list[StopBlock] = []
key_in_blocks: list[StopBlock] = []
stop_record_blocks: list[StopBlock] = []
route_builder_blocks: list[StopBlock] = []
stop_actions: list[Callable[[HttpRequest, Any, Mapping], list[str]]] = []
household_erasers: list[Callable[[Any], None]] = []
first_record_days: list[Callable[[object], datetime.date | None]] = []
household_changes: list[Callable[[Any], None]] = []
closure_day_changes: list[Callable[[Any, datetime.date], None]] = []
photo_actions: list[Callable[[Any], Any]] = []
retention_purges: list[Callable[[bool], str]] = []
shared_shifts: list[Callable[[Any], int]] = []


def sections(registered: list[Section], request: HttpRequest, obj) -> list[Rendering]:
    """The sections other apps add to the page of `obj`, in the order they were registered."""
    renderings = (Rendering(section.template, section.context(request, obj)) for section in registered)
    return [rendering for rendering in renderings if rendering.context is not None]


def stop_blocks(registered: list[StopBlock], request: HttpRequest, stops: Sequence) -> dict[int, list[Rendering]]:
    """Each stop's blocks (stop pk → renderings); every block asks for its contexts once, for all the stops."""
    blocks = defaultdict(list)
    for block in registered:
        contexts = block.context(request, stops)
        for stop in stops:
            if stop.pk in contexts:
                blocks[stop.pk].append(Rendering(block.template, contexts[stop.pk]))
    return dict(blocks)


def act_on_stop(request: HttpRequest, stop, post_data: Mapping) -> list[str]:
    """What the apps on `stop_actions` did with the ticks sent with a saved stop, in their words."""
    return [message for action in stop_actions for message in action(request, stop, post_data)]


def first_record_day(chapter) -> datetime.date | None:
    """The earliest day any app holds a record of the chapter from, or None while it holds none."""
    return min(filter(None, (day(chapter) for day in first_record_days)), default=None)
