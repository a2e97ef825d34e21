"""The tree keeps the shape DESIGN.md gives it: small files, each app with its own parts."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["mimac", "ledger", "pickups", "recipients", "deliveries", "hubdesk", "money", "audit", "dashboard"]
MOST_LINES = 400


def _python_files():
    for app in [*APPS, "bench", "tests"]:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_no_python_file_outside_migrations_is_over_400_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in _python_files()
        if (n := len(path.read_text().splitlines())) > MOST_LINES
    }
    assert long == {}, "split these by subject"


@pytest.mark.parametrize("app", APPS)
def test_every_app_has_its_views_urls_and_templates(app):
    assert (ROOT / app / "views.py").exists() or app == "mimac"
    assert (ROOT / app / "urls.py").exists() or app == "recipients"
    assert (ROOT / "templates" / app).is_dir()
