"""Who may open the library's pages and change its catalogue; lending and returns keep to the desk's chapter.

LIBRARY_MATRIX joins the URL-by-role matrix of test_permissions.py (which runs it, in the order of its ROLES):
the library's rows are kept here so that file stays short."""

import pytest
from django.urls import reverse

from hubdesk import library_services as services
from hubdesk.models import Copy, Loan, LoanRequest
from tests.factories import make_household


def _copy(world, hub=None):
    return services.add_copy(hub=hub or world.hub, copy=Copy(title="The Hobbit"))


HUB = lambda world: {"pk": world.hub.pk}  # noqa: E731
COPY = lambda world: {"pk": _copy(world).pk}  # noqa: E731


def _request(world):
    household = make_household(world.chapter)
    return services.record_request(household=household, by=world.coordinator.user, request=LoanRequest(title="Dune"))


HOUSEHOLD = lambda world: {"pk": make_household(world.chapter).pk}  # noqa: E731
REQUEST = lambda world: {"pk": _request(world).pk}  # noqa: E731

#             anonymous volunteer observing coordinator auditor other_coordinator admin
LIBRARY_MATRIX = {
    "hubdesk:library": ("get", "in 200 403 200 403 404 200", HUB),
    "hubdesk:copy_add": ("get", "in 403 403 200 403 404 200", HUB),
    "hubdesk:library_labels": ("get", "in 200 403 200 403 404 200", HUB),
    "hubdesk:library_booklet": ("get", "in 200 403 200 403 404 200", HUB),
    "hubdesk:lending": ("get", "in 200 403 200 403 404 200", HUB),
    "hubdesk:library_overdue": ("get", "in 200 403 200 403 404 200", HUB),
    "hubdesk:library_settings": ("get", "in 403 403 200 403 404 200", HUB),
    "hubdesk:copy_edit": ("get", "in 403 403 200 403 404 200", COPY),
    "hubdesk:copy_withdraw": ("post", "in 403 403 302 403 404 302", COPY),
    # Requests belong to the household page: refused like it, a 404 that does not confirm a household exists.
    "hubdesk:loan_request_add": ("get", "in 404 404 200 404 404 200", HOUSEHOLD),
    "hubdesk:loan_request_pick": ("post", "in 404 404 302 404 404 302", REQUEST),
    "hubdesk:loan_request_withdraw": ("post", "in 404 404 302 404 404 302", REQUEST),
}


@pytest.mark.parametrize("role", ["observing", "auditor"])
def test_who_may_not_work_the_desk_may_not_lend_or_take_returns(client, world, role):
    copy, household = _copy(world), make_household(world.chapter)
    client.force_login(getattr(world, role).user)
    url = reverse("hubdesk:lending", args=[world.hub.pk])
    lend = {"lend-household_code": household.code, "lend-copy_codes": copy.code}
    assert client.post(url, lend).status_code == 403
    assert client.post(url, {"return-copy_codes": copy.code}).status_code == 403
    assert not Loan.objects.exists()


def test_another_chapters_coordinator_cannot_lend_return_or_change_a_copy(client, world):
    copy, household = _copy(world), make_household(world.chapter)
    services.lend(hub=world.hub, by=world.volunteer.user, household=household, copies=[copy])
    client.force_login(world.other_coordinator.user)
    url = reverse("hubdesk:lending", args=[world.hub.pk])
    assert client.post(url, {"return-copy_codes": copy.code}).status_code == 404
    assert client.post(reverse("hubdesk:copy_edit", args=[copy.pk]), {"title": "Mine"}).status_code == 404
    assert client.post(reverse("hubdesk:copy_withdraw", args=[copy.pk])).status_code == 404
    own_desk = reverse("hubdesk:lending", args=[world.other_hub.pk])
    page = client.post(own_desk, {"return-copy_codes": copy.code})
    assert "No copy B-0001 in this chapter&#x27;s library." in page.text, "at their own desk: not found, no leak"
    copy.refresh_from_db()
    assert (copy.title, copy.withdrawn_on, Loan.objects.open().count()) == ("The Hobbit", None, 1)


def test_labels_print_only_the_hubs_own_copies(client, world):
    mine, theirs = _copy(world), _copy(world, world.other_hub)
    client.force_login(world.coordinator.user)
    page = client.get(reverse("hubdesk:library_labels", args=[world.hub.pk]), {"copy": [mine.pk, theirs.pk]})
    assert list(page.context["copies"]) == [mine]
