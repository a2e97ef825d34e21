"""Browser journeys: Playwright drives Debian's Chromium against the live server.

Every journey fails on a request to another host, runs axe-core on every page it visits, and
leaves 1366x768 screenshots in .ci/artifacts/. The HTML of every page shown goes through the Nu HTML
checker once, at the end of the session; any error fails the session.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
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
VNU_JAR = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
HTML_CHECK_SKIPPED = pytest.StashKey[str]()


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


class HtmlCheck:
    """The HTML the server sent for every page the journeys were shown, checked in one batch at the end:
    the checker is a Java program, and one JVM per page would add minutes."""

    def __init__(self, java: str):
        self.java = java
        self.pages: list[tuple[str, str]] = []

    def add(self, where: str, html: str):
        self.pages.append((where, html))

    def errors(self) -> list[str]:
        if not self.pages:
            return []
        with tempfile.TemporaryDirectory(prefix="mimac-vnu-") as folder:
            files = [Path(folder) / f"{number}.html" for number in range(len(self.pages))]
            for file, (_where, html) in zip(files, self.pages, strict=True):
                file.write_text(html, encoding="utf-8")
            vnu = [self.java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--errors-only"]
            vnu += ["--no-langdetect", "--exit-zero-always", *map(str, files)]
            result = subprocess.run(vnu, capture_output=True, text=True, timeout=600, check=False)
        if result.returncode != 0:
            return [f"the Nu HTML checker did not run: {result.stderr.strip()}"]
        return [self._describe(message) for message in json.loads(result.stdout)["messages"]]

    def _describe(self, message: dict) -> str:
        where = message.get("url", "")
        if where.endswith(".html"):
            where = self.pages[int(Path(urlsplit(where).path).stem)][0]
        extract = " ".join(message.get("extract", "").split())
        return f"{where} line {message.get('lastLine', '?')}: {message['message']} At: {extract}"


@pytest.fixture(scope="session")
def html_check(request):
    """Fails the session on any error the Nu HTML checker finds in the pages the journeys were shown."""
    java = shutil.which("java")
    missing = []
    if java is None:
        missing.append("java (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        missing.append("node_modules/vnu-jar (make install, with npm)")
    if missing:
        what = " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(f"The Nu HTML checker needs {what}.")
        request.config.stash[HTML_CHECK_SKIPPED] = f"HTML check skipped: the Nu HTML checker needs {what}."
        yield None
        return
    check = HtmlCheck(java)
    yield check
    if errors := check.errors():
        report = "\n".join(["the Nu HTML checker found errors in pages the journeys showed:", *errors])
        pytest.fail(report, pytrace=False)


def pytest_terminal_summary(terminalreporter, config):
    if HTML_CHECK_SKIPPED in config.stash:
        terminalreporter.write_line(config.stash[HTML_CHECK_SKIPPED])


class Journey:
    """One browser tab on the live server that checks every page it is shown."""

    def __init__(self, page, base_url: str, name: str, javascript: bool = True, html_check: HtmlCheck | None = None):
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
        self.html_check = html_check
        self.document = None
        page.on("request", self._record_request)
        page.on("response", self._record_response)
        page.on("framenavigated", self._record_navigation)

    def _record_request(self, request):
        self.requested_urls.append(request.url)
        url = urlsplit(request.url)
        if url.scheme in {"http", "https", "ws", "wss"} and url.netloc != urlsplit(self.base_url).netloc:
            self.other_host_requests.append(request.url)

    def _record_response(self, response):
        if response.request.resource_type == "document" and response.frame == self.page.main_frame:
            self.document = response

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
        """Run axe-core on the page now shown, keep its HTML for the Nu HTML checker and save a screenshot."""
        self.page.wait_for_load_state()
        self._keep_html()
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

    def _keep_html(self):
        """Keeps the HTML as the server sent it: the browser's DOM would hide the parse errors it repaired."""
        document, self.document = self.document, None
        if self.html_check is None or document is None or document.request.redirected_to is not None:
            return
        if document.headers.get("content-type", "").startswith("text/html"):
            url = urlsplit(document.url)
            where = url.path + (f"?{url.query}" if url.query else "")
            self.html_check.add(f"{where} (in {self.name})", document.text())

    def finish(self, checked_in_journey: set[str]):
        assert self.other_host_requests == [], "the browser was made to talk to another host"
        unchecked = sorted(set(self.visited) - checked_in_journey)
        assert unchecked == [], "pages visited without an accessibility check"


@pytest.fixture
def open_tab(browser, html_check, live_server, django_db_serialized_rollback, transactional_db, request):
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
        journeys.append(Journey(context.new_page(), live_server.url, name, javascript, html_check))
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
