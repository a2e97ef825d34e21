import datetime

import pytest
from django.urls import reverse

from mimac import jobs
from tests.pages import assert_clean_page


@pytest.mark.parametrize(
    ("role", "shows", "hides"),
    [
        ("coordinator", "No pickups or routes are planned for today.", "observing until"),
        ("volunteer", "You have no pickups or routes today.", "Chapter settings"),
        ("auditor", "Open the audit: supply against distribution this month", "Chapter settings"),
        ("observing", "You are a new member, observing until", "Members"),
    ],
)
def test_each_role_gets_its_own_home_page(client, world, role, shows, hides):
    client.force_login(getattr(world, role).user)
    response = client.get(reverse("dashboard:home"))
    assert_clean_page(response)
    assert shows in response.text
    assert hides not in response.text


def test_home_shows_only_the_members_own_chapters(client, world):
    client.force_login(world.other_coordinator.user)
    response = client.get(reverse("dashboard:home"))
    assert world.other_chapter.name in response.text
    assert world.chapter.name not in response.text


def test_a_coalition_admin_without_memberships_is_pointed_to_the_admin(client, world):
    client.force_login(world.admin)
    assert reverse("admin:index") in client.get(reverse("dashboard:home")).text


def test_a_volunteer_sees_their_own_pickups_and_published_routes_today(client, world):
    from pickups.services import plan_schedule
    from tests.factories import make_household, make_route, make_schedule, make_supplier

    mine = make_schedule(make_supplier(world.chapter, "Sunrise Bakery"), world.hub, "FREQ=DAILY;COUNT=1")
    theirs = make_schedule(make_supplier(world.chapter, "Corner Grocery"), world.hub, "FREQ=DAILY;COUNT=1")
    for schedule in (mine, theirs):
        plan_schedule(schedule=schedule)
    mine.pickups.get().assignments.create(volunteer=world.volunteer.user)
    make_route(world.chapter, world.hub, driver=world.volunteer.user, households=[make_household(world.chapter)],
               status="published", name="Oak Street morning")  # fmt: skip
    make_route(world.chapter, world.hub, driver=world.volunteer.user, name="Draft route")

    client.force_login(world.volunteer.user)
    volunteer_home = client.get(reverse("dashboard:home")).text
    assert "Sunrise Bakery" in volunteer_home
    assert "Corner Grocery" not in volunteer_home
    assert "Oak Street morning" in volunteer_home
    assert "Draft route" not in volunteer_home

    client.force_login(world.coordinator.user)
    coordinator_home = client.get(reverse("dashboard:home")).text
    for text in ("Sunrise Bakery", "Corner Grocery", "Oak Street morning", "Draft route"):
        assert text in coordinator_home


def test_a_coalition_admin_sees_the_jobs_that_missed_their_period_and_not_those_that_ran(client, world):
    from django.utils import timezone

    from mimac.models import JobRun

    now = timezone.now()
    JobRun.succeeded("backup", at=now - datetime.timedelta(days=3))  # its timer stopped three nights ago
    JobRun.succeeded("plan_pickups", at=now - datetime.timedelta(hours=2))
    JobRun.failed("verify_ledger", "The ledger chain is broken in RIV.", at=now - datetime.timedelta(hours=1))
    client.force_login(world.admin)
    response = client.get(reverse("dashboard:home"))
    assert_clean_page(response)
    section = response.text.split('id="late-jobs"', 1)[1].split("</section>", 1)[0]
    assert "Backs up the database and the photos, encrypted" in section
    assert "<code>backup</code>" in section
    assert "Last succeeded:" in section
    assert "journalctl -u mimac-backup.service" in section
    assert "Its last run failed" in section
    assert "The ledger chain is broken in RIV." in section
    assert "plan_pickups" not in section
    assert "purge_households" not in section  # never ran, on a database made today: not late yet


def test_the_jobs_are_for_coalition_admins_only_and_quiet_when_all_ran(client, world):
    from mimac.models import JobRun

    for job in jobs.JOBS:
        JobRun.succeeded(job.command)
    client.force_login(world.admin)
    assert 'id="late-jobs"' not in client.get(reverse("dashboard:home")).text

    JobRun.failed("backup", "pg_dump failed: connection refused")
    assert 'id="late-jobs"' in client.get(reverse("dashboard:home")).text
    client.force_login(world.coordinator.user)
    assert 'id="late-jobs"' not in client.get(reverse("dashboard:home")).text


def test_healthz_says_nothing_of_the_jobs(client, world, django_assert_num_queries):
    """A load balancer asks whether this process can serve: a late backup is the admin's to see, not a reason
    to take the app out of service."""
    from mimac.models import JobRun

    JobRun.failed("backup", "pg_dump failed")
    with django_assert_num_queries(1):  # SELECT 1, and nothing of the jobs
        response = client.get(reverse("healthz"))
    assert (response.status_code, response.text) == (200, "ok")
