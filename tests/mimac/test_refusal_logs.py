"""A refused request is one line in the server log, never a traceback; an error keeps its traceback."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from dashboard import views as dashboard_views
from mimac.logs import RefusalsOnOneLine


@pytest.fixture
def server_log(caplog):
    """The lines the server's log handler (settings.LOGGING) writes. caplog's handler must come after it on the
    `django` logger (which does not propagate to the root), so that it sees each record as that handler left it."""
    django_logger = logging.getLogger("django")
    [configured] = [handler for handler in django_logger.handlers if handler.filters]
    added = caplog.handler not in django_logger.handlers
    if added:
        django_logger.addHandler(caplog.handler)
    assert django_logger.handlers.index(caplog.handler) > django_logger.handlers.index(configured)
    assert [type(each) for each in configured.filters] == [RefusalsOnOneLine]
    yield lambda: [configured.format(record) for record in caplog.records if record.name.startswith("django")]
    if added:
        django_logger.removeHandler(caplog.handler)


def _one_line(lines, start):
    assert len(lines) == 1, lines
    [line] = lines
    assert "\n" not in line, line
    assert "Traceback" not in line, line
    assert start in line, line


def test_a_403_is_one_line(client, world, server_log):
    client.force_login(world.volunteer.user)
    path = reverse("member_invite", args=[world.chapter.code])
    assert client.get(path).status_code == 403
    _one_line(server_log(), f"WARNING django.request Forbidden (Permission denied): {path}")


def test_a_404_is_one_line(client, world, server_log):
    client.force_login(world.volunteer.user)
    path = reverse("chapter_members", args=[world.other_chapter.code])
    assert client.get(path).status_code == 404
    _one_line(server_log(), f"WARNING django.request Not Found: {path}")


def test_a_csrf_refusal_is_one_line(world, server_log):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.coordinator.user)
    path = reverse("member_invite", args=[world.chapter.code])
    assert client.post(path, {"username": "sam"}).status_code == 403
    _one_line(server_log(), f"WARNING django.security.csrf Forbidden (CSRF cookie not set.): {path}")


def test_a_request_for_another_host_is_one_line(client, db, server_log):
    assert client.get("/", headers={"host": "probe.example"}).status_code == 400
    _one_line(server_log(), "ERROR django.security.DisallowedHost Invalid HTTP_HOST header: 'probe.example'.")


def test_an_error_keeps_its_traceback(world, server_log, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the home page")

    monkeypatch.setattr(dashboard_views.queries, "chapter_day", broken)
    client = Client(raise_request_exception=False)
    client.force_login(world.volunteer.user)
    assert client.get(reverse("dashboard:home")).status_code == 500
    [line] = server_log()
    assert "ERROR django.request Internal Server Error: /" in line
    assert "Traceback (most recent call last)" in line
    assert "RuntimeError: a bug in the home page" in line
