"""Time the delivery planner against a coalition-sized chapter on PostgreSQL.

    python bench/planning.py [--changes 40] [--json bench/results/planning.json]      (or: make bench)

Uses the same database as bench/pages.py (BENCH_PAGES_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/mimac_scale), made and filled with seed_scale if it holds no scale chapter; a
scale chapter made before standing deliveries existed gets them added. Prints two figures:

- the daily run (`plan_deliveries`): every drafted route of the scale chapter is removed first, then the whole
  chapter is planned for its days ahead (7), from nothing; then once more, when there is nothing to change;
- re-planning after one change: a household is paused for the days ahead (or its pause ends) and only that
  household's standing routes and days are planned again, `--changes` times, each timed alone.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_PAGES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mimac_scale"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mimac.settings")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

from bench.databases import create_database  # noqa: E402

create_database(os.environ["DATABASE_URL"])
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

DAILY_TARGET_S, CHANGE_TARGET_MS = 30, 200


def prepare():
    from deliveries.models import DeliveryArrangement
    from deliveries.scale import add_standing
    from mimac.models import Chapter

    call_command("migrate", verbosity=0)
    if not Chapter.objects.filter(code="SC01").exists():
        call_command("seed_scale", "--force")
    chapter = Chapter.objects.get(code="SC01")
    if not DeliveryArrangement.objects.filter(household__chapter=chapter).exists():
        print("adding standing deliveries to the scale chapter…", file=sys.stderr, flush=True)
        coordinator = chapter.memberships.filter(role="coordinator").first().user
        volunteers = [m.user for m in chapter.memberships.filter(role="volunteer").select_related("user")]
        add_standing(chapter, list(chapter.hubs.order_by("name")), volunteers, list(chapter.households.all()),
                     chapter.today(), coordinator)  # fmt: skip
    return chapter


def daily_run(chapter) -> dict:
    """The cron run from nothing drafted, then again with nothing to change."""
    from deliveries import planner
    from deliveries.models import PlanNote, Route

    Route.objects.filter(chapter=chapter, standing_route__isnull=False, status="draft").delete()
    PlanNote.objects.filter(chapter=chapter).delete()
    started = time.perf_counter()
    first = planner.plan_everything()
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    again = planner.plan_everything()
    again_s = time.perf_counter() - started
    return {
        "days": len(planner.horizon(chapter)),
        "households_with_arrangements": chapter.households.filter(arrangement__isnull=False).count(),
        "from_nothing_s": round(first_s, 2),
        "routes_drafted": first.routes_created,
        "stops_drafted": first.stops_added,
        "unplaced_noted": first.unplaced,
        "again_s": round(again_s, 2),
        "again_changes": again.routes_created + again.routes_removed + again.stops_added + again.stops_removed,
    }


def one_change(chapter, changes: int) -> dict:
    """Pause a household for the days ahead and plan it again; then end the pause and plan it again."""
    from deliveries import planner
    from deliveries.models import Pause, StandingStop

    today = chapter.today()
    coordinator = chapter.memberships.filter(role="coordinator").first().user
    households = list(
        StandingStop.objects.filter(standing_route__chapter=chapter, household__delivery_pauses__isnull=True)
        .order_by("household")
        .values_list("household", flat=True)
        .distinct()[:changes]
    )
    times, queries, touched = [], [], []
    for household_id in households:
        household = chapter.households.get(pk=household_id)
        for change in ("pause", "resume"):
            if change == "pause":
                pause = Pause.objects.create(
                    household=household,
                    starts_on=today,
                    reason="travel",
                    ends_on=today + datetime.timedelta(days=6),
                    recorded_by=coordinator,
                )
            else:
                pause.delete()  # fmt: skip
            counted = []
            with connection.execute_wrapper(
                lambda execute, *args, counted=counted: counted.append(1) or execute(*args)
            ):
                started = time.perf_counter()
                result = planner.plan_household(household=household)
                times.append(time.perf_counter() - started)
            queries.append(len(counted))
            touched.append(result.stops_added + result.stops_removed)
    times_ms = sorted(t * 1000 for t in times)
    return {
        "replans": len(times),
        "median_ms": round(statistics.median(times_ms), 1),
        "p95_ms": round(statistics.quantiles(times_ms, n=20)[-1], 1),
        "max_ms": round(times_ms[-1], 1),
        "queries_median": statistics.median(queries),
        "stops_changed_per_replan_max": max(touched),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--changes", type=int, default=40)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "planning.json")
    options = parser.parse_args()
    chapter = prepare()
    print("timing the daily run…", file=sys.stderr, flush=True)
    daily = daily_run(chapter)
    print("timing re-planning after one change…", file=sys.stderr, flush=True)
    change = one_change(chapter, options.changes)
    git = ["git", "rev-parse", "--short", "HEAD"]
    commit = subprocess.run(git, capture_output=True, text=True, cwd=ROOT, check=False).stdout.strip()
    report = {
        "database": f"{connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}",
        "commit": commit,
        "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "daily_run": daily,
        "one_change": change,
    }
    print(f"Database {report['database']}, commit {commit}, {os.cpu_count()} cores")
    print(
        f"Daily run (plan_deliveries), {daily['households_with_arrangements']:,} households with a standing "
        f"delivery x {daily['days']} days: {daily['from_nothing_s']} s from nothing drafted "
        f"({daily['routes_drafted']} routes, {daily['stops_drafted']:,} stops, {daily['unplaced_noted']} unplaced "
        f"noted); {daily['again_s']} s run again ({daily['again_changes']} changes). Target under {DAILY_TARGET_S} s."
    )
    print(f"Re-planning one household after one change, {change['replans']} times: median {change['median_ms']} ms, "
          f"p95 {change['p95_ms']} ms, slowest {change['max_ms']} ms, {change['queries_median']} queries. "
          f"Target under {CHANGE_TARGET_MS} ms.")  # fmt: skip
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps(report, indent=2, default=str))
    print(f"Written to {options.json}")


if __name__ == "__main__":
    main()
