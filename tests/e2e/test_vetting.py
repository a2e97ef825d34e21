from django.urls import reverse

from mimac.models import Membership, Role, Trust
from tests.factories import make_chapter, make_member


def test_a_coordinator_invites_a_newcomer_and_two_trusted_members_vouch_them_in(open_tab):
    chapter = make_chapter(observation_days=0, shifts_before_vouching=0)  # members may vouch from day one
    make_member(chapter, "cora", Role.COORDINATOR, first_name="Cora")
    make_member(chapter, "val", first_name="Val")

    coordinator = open_tab()
    coordinator.sign_in("cora")
    coordinator.page.get_by_role("link", name="Members").click()
    coordinator.check()
    coordinator.page.get_by_role("link", name="Invite a person").click()
    coordinator.check()
    coordinator.page.get_by_label("Username").fill("sam")
    coordinator.page.get_by_label("Name they want used").fill("Sam")
    coordinator.page.get_by_label("Role").select_option("volunteer")
    coordinator.page.get_by_role("button", name="Invite").click()
    coordinator.check()
    link = coordinator.page.locator("#password-link").inner_text()

    newcomer = open_tab()
    newcomer.page.goto(link)
    newcomer.check()
    newcomer.page.locator("#id_new_password1").fill("crisp-autumn-apples-42")
    newcomer.page.locator("#id_new_password2").fill("crisp-autumn-apples-42")
    newcomer.page.get_by_role("button", name="Set password").click()
    newcomer.check()
    newcomer.sign_in("sam", "crisp-autumn-apples-42")
    assert newcomer.page.get_by_text("You are a new member, observing").is_visible()

    coordinator.page.get_by_role("link", name="Done").click()
    coordinator.check()
    coordinator.page.get_by_role("link", name="Read the track record and vouch").click()
    coordinator.check()
    coordinator.page.get_by_role("button", name="I vouch: trust this member").click()
    coordinator.check()
    assert coordinator.page.get_by_text(
        "Read the member's track record above first, then tick this box."
    ).first.is_visible()
    coordinator.page.get_by_label("I have read this member's track record").check()
    coordinator.page.get_by_role("button", name="I vouch: trust this member").click()
    coordinator.check()
    assert coordinator.page.get_by_role("status").inner_text() == "Your vouch for Sam is recorded."

    volunteer = open_tab()
    volunteer.sign_in("val")
    membership = Membership.objects.get(user__username="sam")
    volunteer.go(reverse("member_vouch", args=[membership.pk]))
    volunteer.check()
    volunteer.page.get_by_label("I have read this member's track record").check()
    volunteer.page.get_by_role("button", name="I vouch: trust this member").click()
    volunteer.check()

    membership.refresh_from_db()
    assert membership.trust == Trust.TRUSTED
    assert volunteer.page.get_by_text("Became trusted").is_visible()
    newcomer.go(reverse("dashboard:home"))
    assert not newcomer.page.get_by_text("You are a new member, observing").is_visible()
