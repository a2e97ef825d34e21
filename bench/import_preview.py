"""Time the household import's preview: a 2,000-row file against a chapter of 2,000 households, on PostgreSQL.

    python bench/import_preview.py [--rows 2000] [--households 2000] [--requests 5]

Uses BENCH_IMPORT_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/mimac_bench_import): creates the
database when it is missing and migrates it. The chapter, its households and its coordinator are made in a
transaction rolled back at the end, so the database is left as found. The preview is posted in-process through
the whole Django stack (middleware, session, the page's template), as a coordinator's browser sends it. Half the
file's rows are households the chapter has, typed differently (case, spaces, a phone's punctuation), so the
matching finds them; the other half are new. Prints the median and slowest preview, the SQL queries of one, and
how many rows it marked; exits with 1 when the median is 5 s or more.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("BENCH_IMPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mimac_bench_import")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mimac.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="mimac-bench-static-"))

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from mimac.models import Role  # noqa: E402
from recipients.models import Household  # noqa: E402
from tests.factories import make_chapter, make_hub, make_member  # noqa: E402

LIMIT_SECONDS = 5
HEADER = "name,mode,address,unit,hub,size,children,dietary_needs,language,contact,phone,consent_on"


def create_database_if_missing():
    parts = urllib.parse.urlsplit(DATABASE_URL)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg2

    name = parts.path.lstrip("/")
    admin = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def make_chapter_with_households(count: int):
    chapter = make_chapter("Import Bench", "IMB")
    hub = make_hub(chapter, "Bench Hall")
    coordinator = make_member(chapter, "import-bench-coordinator", Role.COORDINATOR).user
    Household.objects.bulk_create(
        Household(
            chapter=chapter,
            number=n,
            name=f"Household {n} Haddad",
            address=f"{n} Oak Street",
            unit=f"{n % 9}B",
            size=3,
            phone=f"(555) {n:04d}-10",
            contact=Household.Contact.PHONE,
            consent_on=chapter.today(),
            consent_recorded_by=coordinator,
        )
        for n in range(1, count + 1)
    )
    return chapter, hub, coordinator


def csv_file(rows: int, households: int) -> bytes:
    lines = [HEADER]
    for n in range(1, rows + 1):
        if n % 2 and n <= households:  # a household the chapter has, typed another way
            name, address, unit, phone = f"household  {n} HADDAD", f"{n} oak  street", f"{n % 9}b", f"555.{n:04d}.10"
        else:
            name, address, unit, phone = f"New household {n}", f"{n} Elm Street", "", f"555 {n:04d} 20"
        if n % 3:
            lines.append(f"{name},delivery,{address},{unit},,4,2,halal;diabetic,ar,phone,{phone},2026-01-05")
        else:
            lines.append(f"{name},walk_in,,,bench hall,1,0,,es,phone,{phone},2026-01-05")
    return ("\n".join(lines) + "\n").encode()


def preview(client, url, content) -> tuple[float, float, int, int]:
    """Seconds, seconds of this process's CPU (the database's work and waiting for a busy machine's cores
    left out), queries, and rows marked, of one preview."""
    queries = []
    upload = SimpleUploadedFile("households.csv", content, content_type="text/csv")
    with connection.execute_wrapper(lambda execute, *args: queries.append(1) or execute(*args)):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.post(url, {"file": upload})
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    page = response.content.decode()
    if response.status_code != 200 or 'name="token"' not in page:
        raise RuntimeError(f"the preview did not offer an import: {response.status_code}")
    return elapsed, cpu, len(queries), page.count('name="skip"')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=5)
    options = parser.parse_args()
    create_database_if_missing()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # into a folder of its own, as production serves
    with transaction.atomic():
        chapter, _hub, coordinator = make_chapter_with_households(options.households)
        client = Client()
        client.force_login(coordinator)
        url = reverse("recipients:household_import", args=[chapter.code])
        content = csv_file(options.rows, options.households)
        preview(client, url, content)  # warm-up: templates compiled, translations loaded
        runs = [preview(client, url, content) for _ in range(options.requests)]
        transaction.set_rollback(True)
    times, cpu_times = [run[0] for run in runs], [run[1] for run in runs]
    median = statistics.median(times)
    print(f"Database {connection.vendor}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(
        f"Preview of {options.rows:,} rows ({len(content):,} bytes) against {options.households:,} households, "
        f"{options.requests} requests: median {median:.2f} s, slowest {max(times):.2f} s "
        f"(CPU of the app: median {statistics.median(cpu_times):.2f} s); "
        f"{runs[0][2]} SQL queries; {runs[0][3]:,} rows marked as looking like a household"
    )
    print(f"Limit {LIMIT_SECONDS} s: {'within' if median < LIMIT_SECONDS else 'OVER'}")
    return 0 if median < LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
