"""Browser journeys: Playwright drives Debian's Chromium against the live server.

Every journey fails on a request to another host, runs axe-core on every page it visits, and
leaves 1366x768 screenshots in .ci/artifacts/.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.factories import PASSWORD

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1366, "height": 768}
ARTIFACTS = settings.BASE_DIR / ".ci" / "artifacts"
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not CHROMIUM.exists():
        message = f"Browser journeys need Chromium at {CHROMIUM}: apt-get install chromium (or set CHROMIUM=path)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make are
    # still synchronous, so Django's guard against ORM calls from async code does not apply.
    serialized = getattr(connection, "_test_serialized_contents", None)
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # With an event loop running in this thread, Django hands out connections per context:
        # tell the new one what the test database held after migrations, for serialized rollbacks.
        if serialized is not None:
            connection._test_serialized_contents = serialized
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Journey:
    """One browser tab on the live server that checks every page it is shown."""

    def __init__(self, page, base_url: str, name: str, javascript: bool = True):
        self.page = page
        self.base_url = base_url
        self.name = name
        # axe-core needs JavaScript: a tab without it leaves the check to the journey's other tabs.
        self.javascript = javascript
        self.visited: list[str] = []
        self.checked: set[str] = set()
        self.other_host_requests: list[str] = []
        self.requested_urls: list[str] = []
        self.screenshots = 0
        page.on("request", self._record_request)
        page.on("framenavigated", self._record_navigation)

    def _record_request(self, request):
        self.requested_urls.append(request.url)
        url = urlsplit(request.url)
        if url.scheme in {"http", "https", "ws", "wss"} and url.netloc != urlsplit(self.base_url).netloc:
            self.other_host_requests.append(request.url)

    def _record_navigation(self, frame):
        if frame == self.page.main_frame:
            self.visited.append(urlsplit(frame.url).path)

    def sign_in(self, username: str, password: str = PASSWORD):
        self.go(reverse("login"))
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.check()

    def go(self, path: str):
        self.page.goto(self.base_url + path)
        self.check()

    def check(self):
        """Run axe-core on the page now shown and save a screenshot of it."""
        self.page.wait_for_load_state()
        if self.javascript:
            results = Axe().run(self.page)
            blocking = [
                f"{violation['id']} ({violation['impact']}): {violation['help']} at "
                + ", ".join(str(node["target"]) for node in violation["nodes"])
                for violation in results.response["violations"]
                if violation["impact"] in BLOCKING_IMPACTS
            ]
            assert blocking == [], f"accessibility violations on {self.page.url}"
            self.checked.add(urlsplit(self.page.url).path)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.screenshots += 1
        self.page.screenshot(path=ARTIFACTS / f"{self.name}-{self.screenshots:02d}.png")

    def finish(self, checked_in_journey: set[str]):
        assert self.other_host_requests == [], "the browser was made to talk to another host"
        unchecked = sorted(set(self.visited) - checked_in_journey)
        assert unchecked == [], "pages visited without an accessibility check"


@pytest.fixture
def open_tab(browser, live_server, django_db_serialized_rollback, transactional_db, request):
    """Opens a browser tab of its own (cookies included) for each person in a journey.

    Journeys run against a live server, so the database is emptied after each; the serialized
    rollback brings back what migrations put there (the categories).
    """
    test_name = re.sub(r"[^\w-]+", "-", request.node.name)
    contexts, journeys = [], []

    def open_new_tab(javascript=True):
        context = browser.new_context(viewport=VIEWPORT, locale="en-US", java_script_enabled=javascript)
        contexts.append(context)
        name = f"{test_name}-{len(journeys) + 1}"
        journeys.append(Journey(context.new_page(), live_server.url, name, javascript))
        return journeys[-1]

    yield open_new_tab
    for context in contexts:
        context.close()
    checked = set().union(*(journey.checked for journey in journeys))
    for journey in journeys:
        journey.finish(checked)


@pytest.fixture
def journey(open_tab):
    return open_tab()
