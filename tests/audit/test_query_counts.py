"""The audit adds up in the database: its pages run the same queries for a week and a year, and for one row and
25 of every kind."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hubdesk import services as hubdesk_services
from pickups import services as pickups_services
from tests.audit.recording import on_day, receive, route_that_delivered
from tests.factories import make_household


def test_the_audit_runs_the_same_queries_for_a_week_and_a_year(client, world, worked_example):
    client.force_login(world.auditor.user)
    today = world.chapter.today()

    def queries(days):
        start = today - datetime.timedelta(days=days - 1)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("audit:home"), {"start": start, "end": today}).status_code == 200
        return len(captured)

    assert queries(7) == queries(365)


def _a_day_of_everything(world, produce, count):
    """`count` each of: pickups counted again with a difference, unbalanced routes, handouts (to walk-ins and to a
    household) and spoilage."""
    by, checker = world.volunteer.user, world.coordinator.user
    for n in range(count):
        pickup = receive(world, -1, [(produce, Decimal(10))])
        pickups_services.check_intake(pickup=pickup, by=checker, lines=[(produce, Decimal(9))])
        route_that_delivered(world, produce, f"Route {count}-{n}", 1)
        hubdesk_services.record_handout(hub=world.hub, by=by, date=on_day(world, 0), lines=[(produce, 1)], people=2)
        hubdesk_services.record_handout(hub=world.hub, by=by, date=on_day(world, 0), lines=[(produce, 1)],
                                           household=make_household(world.chapter, name=f"H{count}-{n}"))  # fmt: skip
        hubdesk_services.record_spoilage(hub=world.hub, by=by, date=on_day(world, 0), category=produce,
                                            quantity=Decimal(1), reason="mould")  # fmt: skip


@pytest.mark.parametrize("page", ["audit:home", "audit:rescued", "audit:sheet"])
def test_the_audit_pages_run_the_same_queries_for_1_and_25_of_every_row(client, world, produce, page):
    client.force_login(world.auditor.user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(page)).status_code == 200
        return len(captured)

    _a_day_of_everything(world, produce, 1)
    one = queries()
    _a_day_of_everything(world, produce, 24)
    assert queries() == one
    home = client.get(reverse("audit:home"))
    assert home.context["route_flags"] == 25, "every row above is there to be counted"
    assert {flag["kind"]: flag["count"] for flag in home.context["flags"]}["intake_differs"] == 25


def test_the_rows_behind_a_figure_run_the_same_queries_for_1_and_25_rows(client, world, produce):
    client.force_login(world.auditor.user)

    def queries(what):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("audit:rows"), {"what": what})
        return len(captured), len(response.context["rows"])

    _a_day_of_everything(world, produce, 1)
    counts = {what: queries(what) for what in ("received", "delivered", "handed_out", "intake_differs", "spoiled")}
    _a_day_of_everything(world, produce, 24)
    for what, (one, rows) in counts.items():
        assert queries(what) == (one, rows * 25), what
