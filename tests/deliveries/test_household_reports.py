from django.urls import reverse

from deliveries import services
from deliveries.models import HouseholdReport, Stop
from deliveries.queries import reports_with_flags
from tests.factories import make_household, make_route
from tests.pages import assert_clean_page


def test_a_household_saying_nothing_came_on_a_delivered_day_is_flagged(client, world):
    household = make_household(world.chapter, name="Amina")
    route = make_route(
        world.chapter, world.hub, driver=world.volunteer.user, households=[household], status="published"
    )
    stop = route.stops.get()
    planned = [(item.category, item.quantity) for item in stop.planned_items.all()]
    services.record_stop(stop=stop, by=world.volunteer.user, outcome=Stop.Outcome.DELIVERED, lines=planned)
    client.force_login(world.coordinator.user)
    url = reverse("deliveries:household_reports", args=[household.pk])
    client.post(url, {"date": route.date.isoformat(), "kind": "nothing", "via": "phone", "note": "waited all day"})

    report = HouseholdReport.objects.get()
    assert (report.recorded_by, report.kind) == (world.coordinator.user, "nothing")
    page = client.get(url)
    assert_clean_page(page)
    assert "flagged for the audit" in page.text


def test_reports_that_agree_or_concern_another_day_are_not_flagged(world):
    household = make_household(world.chapter)
    route = make_route(
        world.chapter, world.hub, driver=world.volunteer.user, households=[household], status="published"
    )
    services.record_stop(stop=route.stops.get(), by=world.volunteer.user, outcome=Stop.Outcome.NOT_HOME, lines=[])
    by = world.coordinator.user
    HouseholdReport.objects.create(household=household, date=route.date, kind="nothing", via="hub", recorded_by=by)
    HouseholdReport.objects.create(household=household, date=route.date, kind="received", via="hub", recorded_by=by)
    assert [report.contradicts for report in reports_with_flags(HouseholdReport.objects.all())] == [False, False]
