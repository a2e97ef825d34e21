import datetime

from mimac.models import Role
from tests.factories import make_chapter, make_hub, make_member


def test_a_coordinator_plans_a_supplier_on_tuesdays_and_thursdays_around_a_holiday(journey):
    chapter = make_chapter()
    make_hub(chapter, "Church Street Pantry")
    make_member(chapter, "cora", Role.COORDINATOR, first_name="Cora")
    today = chapter.today()
    next_monday = today + datetime.timedelta(days=7 - today.weekday())
    holiday = next_monday + datetime.timedelta(days=1)  # next week's Tuesday
    chapter.closure_days.create(date=holiday, reason="Community day")
    page = journey.page

    journey.sign_in("cora")
    page.get_by_role("link", name="Suppliers").click()
    journey.check()
    page.get_by_role("link", name="Add a supplier").click()
    journey.check()
    page.get_by_label("Name").fill("Sunrise Bakery")
    page.get_by_label("Kind").select_option("bakery")
    page.get_by_label("Address").fill("14 Baker St")
    page.get_by_label("Bakery").check()
    page.get_by_role("button", name="Save").click()
    journey.check()

    page.get_by_role("link", name="Add a schedule").click()
    journey.check()
    page.get_by_label("Hub").select_option(label="Church Street Pantry")
    page.get_by_label("Tuesday", exact=True).check()
    page.get_by_label("Thursday", exact=True).check()
    page.get_by_role("textbox", name="First day").fill(today.isoformat())
    page.get_by_label("Window opens").fill("09:00")
    page.get_by_label("Window closes").fill("11:00")
    page.get_by_role("button", name="Preview the dates").click()
    journey.check()
    preview = page.get_by_role("region", name="The next dates")
    assert "skipped: chapter closed: Community day" in preview.inner_text()
    assert holiday.isoformat() in preview.inner_text()

    page.get_by_role("button", name="Save the schedule").click()
    journey.check()
    assert "Schedule saved and its pickups planned." in page.get_by_role("status").inner_text()

    page.get_by_role("link", name="Pickups", exact=True).click()
    journey.check()
    page.get_by_role("link", name="Next week").click()
    journey.check()
    tuesday = page.get_by_role("region", name=f"Tuesday {holiday.isoformat()}")
    thursday_date = holiday + datetime.timedelta(days=2)
    thursday = page.get_by_role("region", name=f"Thursday {thursday_date.isoformat()}")
    assert "Sunrise Bakery" not in tuesday.inner_text()
    assert "Sunrise Bakery" in thursday.inner_text()
    assert "Nobody yet" in thursday.inner_text()
