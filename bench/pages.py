"""Time the pages people open most, against a coalition-sized year on PostgreSQL.

    python bench/pages.py [--requests 30] [--only NAME] [--json bench/results/pages.json]      (or: make bench)

Uses BENCH_PAGES_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/mimac_scale), made if missing; when it
holds no seed_scale chapter, it migrates it and runs seed_scale first. Each page is requested in-process through the
whole Django stack (middleware, sessions, templates) and timed on the server side: median and p95 over the
requests, the SQL queries one request makes, and its ratio to the floor: a bare "hello" template view requested
just before each of the page's requests, the median of those pairs' ratios (an empty page in the layout is timed
the same way). The same script times the first release for bench/against_release.py. Then one gunicorn worker serves
every page over HTTP and its resident memory is read. Prints the database, row counts and git commit, and
writes the same as JSON.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_PAGES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mimac_scale"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mimac.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="mimac-bench-static-"))

import django  # noqa: E402

from bench.databases import create_database  # noqa: E402

create_database(os.environ["DATABASE_URL"])
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import NoReverseMatch, include, path, reverse  # noqa: E402
from django.utils.http import urlencode  # noqa: E402

from bench.server import gunicorn  # noqa: E402
from mimac.wsgi import settle  # noqa: E402

HELLO = engines["django"].from_string("<!DOCTYPE html><title>hello</title><p>Hello, {{ name }}.</p>")


LAYOUT = engines["django"].from_string('{% extends "base.html" %}{% block content %}<p>Hello.</p>{% endblock %}')


def hello(request):
    return HttpResponse(HELLO.render({"name": request.user.get_username()}, request))


def layout(request):
    return HttpResponse(LAYOUT.render({}, request))


urlpatterns = [path("bench-hello/", hello), path("bench-layout/", layout), path("", include("mimac.urls"))]


def prepare():
    """The scale chapter, and today's routes the pages need (seed_scale makes only past ones)."""
    from deliveries.models import Route, Stop
    from mimac.models import Chapter

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    if not Chapter.objects.filter(code="SC01").exists():
        call_command("seed_scale", "--force")
    chapter = Chapter.objects.get(code="SC01")
    coordinator = chapter.memberships.filter(role="coordinator").first().user
    volunteer = chapter.memberships.filter(role="volunteer").first().user
    today = chapter.today()
    route, created = Route.objects.get_or_create(
        chapter=chapter, date=today, name="Bench route", defaults={"hub": chapter.hubs.first(), "driver": volunteer,
                                                                   "status": Route.Status.PUBLISHED},
    )  # fmt: skip
    if created:
        households = chapter.households.filter(mode="delivery")[:25]
        Stop.objects.bulk_create(Stop(route=route, household=h, sequence=n) for n, h in enumerate(households, 1))
    _day_on_the_road(chapter, today, coordinator)
    supplier = chapter.suppliers.order_by("pk").first()
    return chapter, coordinator, volunteer, route, supplier


def _day_on_the_road(chapter, today, coordinator):
    """Five more of today's routes for the day board, 20 stops each, the first half recorded (not home: no ledger
    rows to write), each driven by another volunteer."""
    from django.utils import timezone

    from deliveries.models import Route, Stop

    drivers = [m.user for m in chapter.memberships.filter(role="volunteer").order_by("pk")[1:6]]
    households = list(chapter.households.filter(mode="delivery").order_by("pk")[25:125])
    for number, driver in enumerate(drivers):
        route, created = Route.objects.get_or_create(
            chapter=chapter, date=today, name=f"Bench day {number + 1}",
            defaults={"hub": chapter.hubs.first(), "driver": driver, "status": Route.Status.PUBLISHED},
        )  # fmt: skip
        if created:
            mine = households[number * 20 : number * 20 + 20]
            Stop.objects.bulk_create(Stop(route=route, household=h, sequence=n) for n, h in enumerate(mine, 1))
            route.stops.filter(sequence__lte=10).update(
                outcome=Stop.Outcome.NOT_HOME, recorded_by=coordinator, recorded_at=timezone.now()
            )


def pages(chapter, route, supplier, today):
    year = {"chapter": chapter.code, "start": today - datetime.timedelta(days=364), "end": today}
    hub = chapter.hubs.first()
    return [
        ("volunteer's route", "volunteer", reverse("deliveries:my_routes"), None),
        ("week of pickups", "coordinator", reverse("pickups:week") + f"?hub={hub.pk}", None),
        ("supplier list", "coordinator", reverse("pickups:supplier_list"), None),
        ("supplier detail", "coordinator", reverse("pickups:supplier_detail", args=[supplier.pk]), None),
        ("household list", "coordinator", reverse("recipients:household_list"), None),
        ("household search", "coordinator", reverse("recipients:household_list"), {"q": "Household 1", "status": ""}),
        ("route builder", "coordinator", reverse("deliveries:route_detail", args=[route.pk]), None),
        ("printed route sheet", "coordinator", reverse("deliveries:route_print", args=[route.pk]), None),
        ("hub desk", "volunteer", _hub_desk_url(hub), None),
        ("year's reconciliation", "coordinator", reverse("audit:home") + "?" + urlencode(year), None),
        *_newer_pages(chapter),
    ]


def _newer_pages(chapter) -> list:
    """Pages the first release, which this script also times, does not have."""
    try:
        return [
            ("day board", "coordinator", reverse("deliveries:day_board", args=[chapter.code]), None),
            ("cover board", "volunteer", reverse("deliveries:cover", args=[chapter.code]), None),
        ]
    except NoReverseMatch:
        return []


def _hub_desk_url(hub) -> str:
    """The hub desk's address; the first release, which this script also times, named it in deliveries."""
    try:
        return reverse("hubdesk:desk", args=[hub.pk])
    except NoReverseMatch:
        return reverse("deliveries:hub_desk", args=[hub.pk])


def measure(client, url, data, requests, floor=None) -> dict:
    """A page's median, p95 and queries; with `floor` (a client and URL), its ratio to the floor request timed
    just before each of its own, so a busy moment of the machine slows both sides of every pair alike."""

    def once(client=client, url=url, data=data):
        started = time.perf_counter()
        response = client.post(url, data) if data is not None else client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return elapsed

    for _ in range(3):
        once()
    queries = []
    with connection.execute_wrapper(lambda execute, *args: queries.append(1) or execute(*args)):
        once()
    pairs = [((once(*floor, None) if floor else None), once()) for _ in range(requests)]
    times = [page for _floor, page in pairs]
    figures = {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(statistics.quantiles(times, n=20)[-1] * 1000, 1),
        "queries": len(queries),
    }
    if floor:
        figures["x_floor"] = round(statistics.median(page / floor for floor, page in pairs), 3)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--only", help="time only the pages whose name contains this")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "pages.json")
    options = parser.parse_args()
    chapter, coordinator, volunteer, route, supplier = prepare()
    clients = {"coordinator": Client(), "volunteer": Client()}
    clients["coordinator"].force_login(coordinator)
    clients["volunteer"].force_login(volunteer)
    settle()  # as mimac.wsgi does in each server process
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        floor = (clients["volunteer"], "/bench-hello/")
        results = {"floor (hello)": measure(*floor, None, options.requests) | {"x_floor": 1.0}}
        results["empty page, layout only"] = measure(clients["coordinator"], "/bench-layout/", None, options.requests,
                                                     floor)  # fmt: skip
        for name, who, url, data in pages(chapter, route, supplier, chapter.today()):
            if options.only and options.only not in name:
                continue
            print(f"timing {name}…", file=sys.stderr, flush=True)
            results[name] = measure(clients[who], url, data, options.requests, floor)
    print("serving every page from one gunicorn worker…", file=sys.stderr, flush=True)
    worker_mb = worker_memory(clients, pages(chapter, route, supplier, chapter.today()), options.requests)
    report = {
        "database": f"{connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}",
        "commit": _commit(),
        "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "rows": _rows(),
        "pages": results,
        "gunicorn_worker_rss_mb": worker_mb,
    }
    print(f"Database {report['database']}, commit {report['commit']}, {os.cpu_count()} cores")
    print("Rows: " + ", ".join(f"{name} {count:,}" for name, count in report["rows"].items()))
    print(f"{'page':24} {'median ms':>9} {'p95 ms':>7} {'queries':>7} {'x floor':>7}")
    for name, figures in results.items():
        print(f"{name:24} {figures['median_ms']:9.1f} {figures['p95_ms']:7.1f} {figures['queries']:7} "
              f"{figures['x_floor']:7.1f}")  # fmt: skip
    print(f"One gunicorn worker after serving every page {options.requests} times (face detector loaded): "
          f"{worker_mb} MB resident")  # fmt: skip
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps(report, indent=2, default=str))
    print(f"Written to {options.json}")


def worker_memory(clients, pages_to_serve, requests) -> float:
    """A gunicorn worker's resident memory (MB) after it served each page `requests` times over HTTP.

    The worker loads the face detector at start-up (mimac.apps), as every server process does; the
    signed-in clients' session cookies work there because the sessions are in the same database.
    """
    port = 8765
    with gunicorn(port, workers=1, env=os.environ.copy()) as server:
        for _name, who, url, data in pages_to_serve:
            cookie = "; ".join(f"{key}={morsel.value}" for key, morsel in clients[who].cookies.items())
            for _ in range(requests if data is None else 0):  # POSTs need a CSRF token: the in-process run has them
                request = urllib.request.Request(f"http://127.0.0.1:{port}{url}", headers={"Cookie": cookie})
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback)
                    response.read()
        [worker] = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        status = Path(f"/proc/{worker}/status").read_text()
    return round(int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]) / 1024, 1)


def _commit() -> str:
    git = ["git", "rev-parse", "--short", "HEAD"]
    return subprocess.run(git, capture_output=True, text=True, cwd=ROOT, check=False).stdout.strip()


def _rows() -> dict:
    from deliveries.models import DeliveryLine, Route, Stop
    from pickups.models import Pickup, PickupLine
    from recipients.models import Household

    models = {"households": Household, "pickups": Pickup, "pickup lines": PickupLine, "routes": Route,
              "stops": Stop, "delivered lines": DeliveryLine}  # fmt: skip
    return {name: model.objects.count() for name, model in models.items()}


if __name__ == "__main__":
    main()
