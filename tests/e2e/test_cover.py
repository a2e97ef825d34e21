import datetime

from mimac.models import Role
from pickups.models import Pickup
from pickups.services import plan_schedule
from tests.factories import make_chapter, make_hub, make_member, make_schedule, make_supplier


def test_a_volunteer_records_time_away_and_another_takes_their_pickup_from_the_cover_board(open_tab):
    chapter = make_chapter()
    hub = make_hub(chapter, "Church Street Pantry")
    make_member(chapter, "cora", Role.COORDINATOR, first_name="Cora")
    val = make_member(chapter, "val", first_name="Val")
    make_member(chapter, "sam", first_name="Sam")
    day = chapter.today() + datetime.timedelta(days=3)
    schedule = make_schedule(make_supplier(chapter, "Sunrise Bakery"), hub, "FREQ=DAILY;COUNT=1", starts_on=day)
    schedule.default_volunteers.add(val.user)
    plan_schedule(schedule=schedule)
    pickup = Pickup.objects.get()
    assert pickup.assignments.get().volunteer == val.user

    away = open_tab()
    away.sign_in("val")
    page = away.page
    page.get_by_role("link", name="Your time away").click()
    away.check()
    page.get_by_label("First day away").fill(day.isoformat())
    page.get_by_label("Last day away").fill((day + datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Add").click()
    away.check()
    told = " ".join(page.get_by_role("status").all_inner_texts())
    assert f"Val is away from {day.isoformat()}" in told
    assert "1 pickup or route of those days is free now" in told
    page.get_by_role("link", name="Cover", exact=True).click()
    away.check()
    row = page.locator("tbody tr", has_text="Sunrise Bakery")
    assert "nobody" in row.inner_text()
    assert row.get_by_role("button").count() == 0  # away that day: nothing to take

    cover = open_tab()
    cover.sign_in("sam")
    cover.page.get_by_role("link", name="Cover", exact=True).click()
    cover.check()
    cover.page.locator("tbody tr", has_text="Sunrise Bakery").get_by_role("button", name="I'll take it").click()
    cover.check()
    assert "You are on the pickup at Sunrise Bakery" in cover.page.get_by_role("status").inner_text()
    assert "Everything of the coming days has someone." in cover.page.inner_text("main")
    assert [assignment.volunteer.username for assignment in pickup.assignments.all()] == ["sam"]
