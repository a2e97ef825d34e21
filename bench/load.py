"""Load on the real stack: gunicorn with 2 workers on PostgreSQL, signed-in volunteers at once.

    python bench/load.py [--users 50] [--seconds 60]          (or: make bench-load)

It builds a database of its own (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
mimac_bench, dropped and made again), starts gunicorn on loopback, and then:

1. shift start: 20 volunteers sign in at the same moment (password hashing is slow on purpose);
   prints how long each waited, the last one above all;
2. load: every volunteer, in a thread of its own, loops over their route page, the week of pickups
   and recording the next stop of their route, for --seconds; prints p50/p95/p99 per kind, errors,
   and checks no write was lost: stops recorded in the database = record requests that succeeded.
"""

import argparse
import http.cookiejar
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mimac_bench")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "a-long-bench-password"  # noqa: S105 (the bench's own throwaway accounts)
STOPS_PER_ROUTE = 60
SERVER_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1",
    "STATIC_ROOT": tempfile.mkdtemp(prefix="mimac-bench-static-"),
    "SESSION_IDLE_MINUTES": "60",
}
os.environ.update(SERVER_ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mimac.settings")

from bench.databases import create_database  # noqa: E402
from bench.server import gunicorn  # noqa: E402


def seed(users: int) -> list[str]:
    """A chapter, a hub, `users` volunteers each with a published route for today, and a week of pickups."""
    import datetime
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from deliveries.models import PlannedItem, Route, Stop
    from mimac.models import Category, Chapter, Hub, Membership, Role, Trust
    from pickups.models import PickupSchedule, Supplier
    from pickups.services import plan_chapter
    from recipients.models import Household

    chapter = Chapter.objects.create(name="Bench Mutual Aid", code="BEN")
    hub = Hub.objects.create(chapter=chapter, name="Bench Hub", address="1 Main St")
    long_ago = chapter.today() - datetime.timedelta(days=400)
    password = make_password(PASSWORD)
    people = get_user_model().objects.bulk_create(
        get_user_model()(username=f"vol{n:03d}", first_name=f"Vol {n}", password=password) for n in range(users + 1)
    )
    coordinator, volunteers = people[0], people[1:]
    Membership.objects.bulk_create(
        Membership(user=user, chapter=chapter, role=Role.COORDINATOR if user == coordinator else Role.VOLUNTEER,
                   trust=Trust.TRUSTED, joined_on=long_ago, trusted_since=long_ago)
        for user in people
    )  # fmt: skip
    households = Household.objects.bulk_create(
        Household(chapter=chapter, number=n + 1, name=f"H{n}", address=f"{n} Oak St", size=3, contact="paper_only",
                  consent_on=chapter.today(), consent_recorded_by=coordinator)
        for n in range(users * STOPS_PER_ROUTE)
    )  # fmt: skip
    produce = Category.objects.get(code="produce")
    for index, volunteer in enumerate(volunteers):
        route = Route.objects.create(chapter=chapter, hub=hub, date=chapter.today(), name=f"Route {index}",
                                     driver=volunteer, status=Route.Status.PUBLISHED)  # fmt: skip
        mine = households[index * STOPS_PER_ROUTE : (index + 1) * STOPS_PER_ROUTE]
        stops = Stop.objects.bulk_create(Stop(route=route, household=h, sequence=n) for n, h in enumerate(mine, 1))
        PlannedItem.objects.bulk_create(PlannedItem(stop=stop, category=produce, quantity=Decimal(3)) for stop in stops)
    for n in range(20):
        supplier = Supplier.objects.create(chapter=chapter, name=f"Supplier {n}")
        window = {"window_start": datetime.time(9 + n % 8), "window_end": datetime.time(10 + n % 8)}
        PickupSchedule.objects.create(
            supplier=supplier, hub=hub, rrule="FREQ=DAILY", starts_on=chapter.today(), **window
        )
    plan_chapter(chapter=chapter)
    return [user.username for user in volunteers]


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Volunteer:
    """One browser: its own cookies, no redirects followed."""

    def __init__(self, username):
        self.username, self.jar = username, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirects)

    def request(self, path, data=None) -> tuple[int, str]:
        body = (
            urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode() if data is not None else None
        )
        headers = {"Referer": BASE + path}
        try:
            request = urllib.request.Request(BASE + path, body, headers)  # noqa: S310 (loopback, http)
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def csrf(self) -> str:
        return next((cookie.value for cookie in self.jar if cookie.name == "csrftoken"), "")

    def sign_in(self) -> float:
        self.request("/accounts/login/")
        started = time.perf_counter()
        status, _page = self.request("/accounts/login/", {"username": self.username, "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"{self.username} could not sign in: {status}")
        return time.perf_counter() - started


def shift_start(volunteers: list[Volunteer]) -> list[float]:
    waits, barrier = [], threading.Barrier(len(volunteers))

    def go(volunteer):
        volunteer.request("/accounts/login/")
        barrier.wait()
        started = time.perf_counter()
        status, _page = volunteer.request("/accounts/login/", {"username": volunteer.username, "password": PASSWORD})
        assert status == 302, status
        waits.append(time.perf_counter() - started)

    threads = [threading.Thread(target=go, args=(v,)) for v in volunteers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(waits)


def load(volunteers: list[Volunteer], seconds: float, stop_ids: dict) -> tuple[dict, dict, int]:
    timings, errors, recorded = defaultdict(list), defaultdict(int), [0]
    lock, deadline = threading.Lock(), time.monotonic() + seconds
    produce = stop_ids["produce"]

    def run(volunteer):
        mine = list(stop_ids[volunteer.username])
        step = 0
        while time.monotonic() < deadline:
            kind = ("route page", "week of pickups", "record a stop")[step % 3]
            step += 1
            if kind == "record a stop" and not mine:
                continue
            started = time.perf_counter()
            if kind == "route page":
                status, _page = volunteer.request("/deliveries/my/")
                ok = status == 200
            elif kind == "week of pickups":
                status, _page = volunteer.request("/pickups/schedule/")
                ok = status == 200
            else:
                stop = mine.pop(0)
                data = {"outcome": "delivered", "note": "", f"category_{produce}": "3"}
                status, _page = volunteer.request(f"/deliveries/stops/{stop}/record/", data)
                ok = status == 302
            elapsed = time.perf_counter() - started
            with lock:
                timings[kind].append(elapsed)
                if not ok:
                    errors[kind] += 1
                elif kind == "record a stop":
                    recorded[0] += 1

    threads = [threading.Thread(target=run, args=(v,)) for v in volunteers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, errors, recorded[0]


def _ms(values, share):
    return f"{statistics.quantiles(values, n=100)[share - 1] * 1000:7.0f}" if len(values) > 1 else "      -"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    options = parser.parse_args()

    create_database(DATABASE_URL, drop_first=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    usernames = seed(options.users)
    from deliveries.models import Stop
    from mimac.models import Category

    stop_ids = {"produce": Category.objects.get(code="produce").pk}
    for username in usernames:
        stop_ids[username] = list(
            Stop.objects.filter(route__driver__username=username).order_by("sequence").values_list("pk", flat=True)
        )
    with gunicorn(PORT, workers=2, env={**os.environ, **SERVER_ENV}):
        volunteers = [Volunteer(username) for username in usernames]
        waits = shift_start(volunteers[:20])
        for volunteer in volunteers[20:]:
            volunteer.sign_in()
        timings, errors, succeeded = load(volunteers, options.seconds, stop_ids)
    stored = Stop.objects.exclude(outcome="").count()

    print(f"MIMAC load, gunicorn 2 workers on PostgreSQL, {os.cpu_count()} cores, {options.users} volunteers")
    first, median, last = waits[0], statistics.median(waits), waits[-1]
    print(f"Shift start, {len(waits)} sign-ins at once: first {first:.2f} s, median {median:.2f} s, last {last:.2f} s")
    print(f"{'':18} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    every = []
    for kind, values in sorted(timings.items()):
        every += values
        print(f"{kind:18} {len(values):8} {errors[kind]:6} {_ms(values, 50)} {_ms(values, 95)} {_ms(values, 99)}")
    print(f"{'all':18} {len(every):8} {sum(errors.values()):6} {_ms(every, 50)} {_ms(every, 95)} {_ms(every, 99)}")
    print(f"Throughput: {len(every) / options.seconds:.0f} requests/s over {options.seconds:.0f} s")
    print(f"Writes: {succeeded} stops recorded by requests that succeeded, {stored} in the database: "
          + ("none lost" if stored == succeeded else "MISMATCH"))  # fmt: skip
    return 0 if stored == succeeded and not sum(errors.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
