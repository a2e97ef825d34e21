import datetime

from mimac.models import Role
from tests.factories import make_chapter, make_household, make_hub, make_member, next_weekday


def _drafted(page) -> dict[str, str]:
    """The route list's rows: date → route and its stops."""
    rows = page.locator("tbody tr").all()
    return {
        row.locator("td")
        .nth(0)
        .inner_text(): f"{row.locator('td').nth(1).inner_text()}: {row.locator('td').nth(5).inner_text()}"
        for row in rows
        if row.locator("td").count() == 7
    }


def test_a_coordinator_sets_a_household_to_every_tuesday_and_pauses_it_for_two_weeks(journey):
    chapter = make_chapter()
    make_hub(chapter, "Church Street Pantry")
    make_member(chapter, "cora", Role.COORDINATOR, first_name="Cora")
    make_member(chapter, "val", first_name="Val")
    amina = make_household(chapter, "Amina", size=2)
    tuesdays = [next_weekday(chapter, 1, weeks) for weeks in range(3)]
    labels = [f"{day:%a %Y-%m-%d}" for day in tuesdays]
    page = journey.page

    journey.sign_in("cora")
    page.get_by_role("link", name="Households").click()
    journey.check()
    page.get_by_role("link", name=amina.code).click()
    journey.check()
    page.get_by_role("link", name="Set up a standing delivery").click()
    journey.check()
    page.get_by_label("From hub").select_option(label="Church Street Pantry")
    page.get_by_label("Tuesday", exact=True).check()
    page.get_by_role("button", name="Preview the days").click()
    journey.check()
    preview = page.get_by_role("region", name="The next days")
    assert f"{labels[0]}, on no standing route yet" in preview.inner_text()
    page.get_by_role("button", name="Save the standing delivery").click()
    journey.check()
    assert "Every week on Tuesday" in page.get_by_role("region", name="Standing delivery").inner_text()

    page.get_by_role("link", name="Home").first.click()
    journey.check()
    assert f"{labels[0]}: {amina.code} is due but on no standing route that day." in page.inner_text("main")

    page.get_by_role("link", name="Standing routes").first.click()
    journey.check()
    page.get_by_label("Draft routes this many days ahead").fill("21")
    page.get_by_role("button", name="Save").click()
    journey.check()
    page.get_by_role("link", name="New standing route").click()
    journey.check()
    page.get_by_label("Name").fill("Tuesday east")
    page.get_by_label("Weekday").select_option(label="Tuesday")
    page.get_by_label("Starts from hub").select_option(label="Church Street Pantry")
    page.get_by_label("Usual driver").select_option(label="Val")
    page.get_by_role("button", name="Save").click()
    journey.check()
    page.get_by_label(amina.code, exact=False).check()
    page.get_by_role("button", name="Add at the end").click()
    journey.check()

    page.get_by_role("link", name="Routes", exact=True).click()
    journey.check()
    assert _drafted(page) == dict.fromkeys(labels, "Tuesday east: 1")

    page.get_by_role("link", name="Households").click()
    journey.check()
    page.get_by_role("link", name=amina.code).click()
    journey.check()
    page.get_by_role("link", name="Pause deliveries").click()
    journey.check()
    page.get_by_label("First day away").fill(tuesdays[0].isoformat())
    page.get_by_label("Last day away").fill((tuesdays[0] + datetime.timedelta(days=13)).isoformat())
    page.get_by_label("Why").select_option(label="Hospital or care stay")
    page.get_by_role("button", name="Add").click()
    journey.check()
    assert f"deliveries start again on {tuesdays[2].isoformat()}" in page.get_by_role("status").inner_text()

    page.get_by_role("link", name="Routes", exact=True).click()
    journey.check()
    assert _drafted(page) == {labels[2]: "Tuesday east: 1"}  # two Tuesdays away, back on the third

    page.goto(journey.base_url + f"/deliveries/households/{amina.pk}/pauses/")
    journey.check()
    page.get_by_role("button", name="Cancel it").click()
    journey.check()
    page.get_by_role("link", name="Routes", exact=True).click()
    journey.check()
    assert _drafted(page) == dict.fromkeys(labels, "Tuesday east: 1")
