"""The extension points of mimac.extensions: what an upper app registers shows on the lower app's page,
where that page says, at the same cost in queries for 1 stop or 25."""

import pytest
from django.urls import reverse

from deliveries.models import Stop
from mimac import extensions
from tests.factories import make_household, make_route
from tests.pages import assert_clean_page, texts_of

STOP_PAGES = {
    "route_sheet_blocks": ("deliveries:route_print", "route", "coordinator"),
    "key_in_blocks": ("deliveries:route_key_in", "route", "coordinator"),
    "stop_record_blocks": ("deliveries:stop_record", "stop", "volunteer"),
    "route_builder_blocks": ("deliveries:route_detail", "route", "coordinator"),
}


@pytest.fixture
def plugged(settings, tmp_path, monkeypatch):
    """A plug-in's templates, and registries it fills for one test only."""
    (tmp_path / "plugged").mkdir()
    (tmp_path / "plugged/block.html").write_text('<p class="plugged">{{ greeting }} ({{ user.get_username }})</p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    for registry in ("member_sections", *STOP_PAGES):
        monkeypatch.setattr(extensions, registry, list(getattr(extensions, registry)))
    return extensions


def _greet_each_stop_but_the_first(request, stops):
    """One query for all the stops, however many: the way a block keeps a page's cost flat."""
    households = dict(Stop.objects.filter(pk__in=[stop.pk for stop in stops]).values_list("pk", "household__name"))
    return {stop.pk: {"greeting": f"Bulletin for {households[stop.pk]}"} for stop in stops if stop.sequence > 1}


def test_a_section_registered_for_the_member_page_shows_there_when_its_context_says(client, world, plugged):
    plugged.member_sections.append(plugged.Section("plugged/block.html", lambda request, m: {"greeting": m.user}))
    plugged.member_sections.append(plugged.Section("plugged/block.html", lambda request, membership: None))
    client.force_login(world.coordinator.user)
    page = client.get(reverse("member_detail", args=[world.volunteer.pk]))
    assert_clean_page(page)
    assert texts_of(page.text, "plugged") == ["volunteer (coordinator)"], "the page's context under its own"


@pytest.mark.parametrize("registry", sorted(STOP_PAGES))
def test_a_block_registered_per_stop_shows_at_each_stop_it_answers_for(client, world, plugged, registry):
    households = [make_household(world.chapter, name=name) for name in ("Amina", "Bilal", "Chen")]
    driver = world.volunteer.user
    route = make_route(world.chapter, world.hub, driver=driver, households=households, status="published")
    getattr(plugged, registry).append(plugged.StopBlock("plugged/block.html", _greet_each_stop_but_the_first))
    name, argument, reader = STOP_PAGES[registry]
    client.force_login(getattr(world, reader).user)
    shown = []
    for target in [route] if argument == "route" else route.stops.order_by("sequence"):
        page = client.get(reverse(name, args=[target.pk]))
        assert_clean_page(page)
        shown.append(texts_of(page.text, "plugged"))
    bilal, chen = (f"Bulletin for {household} ({reader})" for household in ("Bilal", "Chen"))
    assert shown == ([[bilal, chen]] if argument == "route" else [[], [bilal], [chen]])


@pytest.mark.parametrize("registry", ["route_sheet_blocks", "key_in_blocks"])
def test_a_registered_block_costs_the_same_queries_for_1_and_25_stops(
    client, world, plugged, registry, django_assert_num_queries
):
    getattr(plugged, registry).append(plugged.StopBlock("plugged/block.html", _greet_each_stop_but_the_first))
    name = STOP_PAGES[registry][0]
    driver = world.volunteer.user
    routes = []
    for count in (1, 25):
        households = [make_household(world.chapter) for _ in range(count)]
        routes.append(make_route(world.chapter, world.hub, driver=driver, households=households, status="published"))
    client.force_login(world.coordinator.user)
    with django_assert_num_queries(13) as one:  # the library's own block reads 2 (hubdesk: bring and collect)
        client.get(reverse(name, args=[routes[0].pk]))
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse(name, args=[routes[1].pk]))
    assert len(texts_of(page.text, "plugged")) == 24
