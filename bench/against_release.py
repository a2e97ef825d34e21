"""The pages against the first release, in one run: each page's ratio to the floor, here and at v1.0.

    python bench/against_release.py [--requests 30] [--rounds 3] [--only NAME]      (or: make bench-release)

Needs the PostgreSQL server. The first release (a worktree of tag v1.0, d7a56f3 where a clone has no tags) fills
BENCH_RELEASE_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/mimac_scale_v1) with its own seed_scale
once. That database is then copied and the copy migrated with this tree. This tree's bench/ times both (it is
copied into the release's worktree, so the two are measured the same way): the same pages on the same rows, the
two taking turns (--rounds, 3 by default) so that a busier minute of the machine falls on both. A page holds when
the median over the rounds of its ratio to the floor (a bare "hello" view requested before each of the page's
requests) is at most 10% above the release's; the script exits non-zero if any page does not. Each side's full
report is written beside the comparison, in bench/results/.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import copy_database, create_database, vacuum_analyze  # noqa: E402

RELEASE, RELEASE_COMMIT = "v1.0", "d7a56f3"
ALLOWED = 1.10  # a page's ratio to the floor may grow by 10% at most
_NOT_CODE = shutil.ignore_patterns("results", "__pycache__")  # what of bench/ is not copied to the release
# A run that only prepares a database (seed_scale, migrate) and times nothing worth keeping.
WARM_UP = argparse.Namespace(requests=1, only="(prepare only)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--only", default="", help="time only the pages whose name contains this")
    parser.add_argument("--rounds", type=int, default=3, help="turns of release then this tree; medians count")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "against_release.json")
    options = parser.parse_args()
    release_url = os.environ.get("BENCH_RELEASE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mimac_scale_v1")
    upgraded_url = urllib.parse.urlsplit(release_url)._replace(path="/mimac_scale_upgraded").geturl()
    results = options.json.parent
    results.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mimac-release-") as scratch:
        release = Path(scratch) / "release"
        subprocess.run(
            ["git", "worktree", "add", "-q", "--detach", str(release), _release_commit()], cwd=ROOT, check=True
        )
        try:
            shutil.copytree(ROOT / "bench", release / "bench", dirs_exist_ok=True, ignore=_NOT_CODE)
            create_database(release_url)
            _bench(release, release_url, WARM_UP, results / "pages-release.json")  # fills it the first time
            copy_database(release_url, upgraded_url)
            _bench(ROOT, upgraded_url, WARM_UP, results / "pages-now.json")  # migrates the copy
            for url in (release_url, upgraded_url):
                vacuum_analyze(url)
            before, now = [], []  # the trees take turns, so a slower minute of the machine falls on both
            for _ in range(options.rounds):
                before.append(_bench(release, release_url, options, results / "pages-release.json"))
                now.append(_bench(ROOT, upgraded_url, options, results / "pages-now.json"))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(release)], cwd=ROOT, check=False)
    held = _compare(before, now)
    options.json.write_text(json.dumps({"release": before, "now": now, "held": held}, indent=2))
    sys.exit(0 if held else 1)


def _release_commit() -> str:
    found = subprocess.run(["git", "rev-parse", "-q", "--verify", f"{RELEASE}^{{commit}}"], cwd=ROOT,
                           capture_output=True, text=True, check=False)  # fmt: skip
    return found.stdout.strip() or RELEASE_COMMIT


def _bench(tree: Path, url: str, options, report: Path) -> dict:
    """Run bench/pages.py in a tree on a database with this interpreter; its JSON report."""
    print(
        f"-- timing the pages of {tree.name if tree != ROOT else 'this tree'} on {url.rsplit('/', 1)[-1]}", flush=True
    )
    env = os.environ | {"BENCH_PAGES_DATABASE_URL": url, "PYTHONPATH": str(tree)}
    command = [sys.executable, "bench/pages.py", "--requests", str(options.requests), "--json", str(report)]
    command += ["--only", options.only] if options.only else []
    subprocess.run(command, cwd=tree, env=env, check=True)
    return json.loads(report.read_text())


def _compare(before: list[dict], now: list[dict]) -> bool:
    print(f"\n{'page':26} {'ms v1.0':>8} {'ms now':>7} {'x floor v1.0':>12} {'x floor now':>11} {'change':>7}")
    held = True
    print(f"{'floor (hello)':26} {_median_ms(before, 'floor (hello)'):8.1f} {_median_ms(now, 'floor (hello)'):7.1f}")
    for name in before[0]["pages"].keys() & now[0]["pages"].keys() - {"floor (hello)"}:
        was, is_now = _ratio(before, name), _ratio(now, name)
        ok = is_now <= was * ALLOWED
        held &= ok
        ms = f"{_median_ms(before, name):8.1f} {_median_ms(now, name):7.1f}"
        print(f"{name:26} {ms} {was:12.1f} {is_now:11.1f} {is_now / was - 1:+7.0%}{'' if ok else '  beyond 10%'}")
    print("Every page holds its ratio to the floor." if held else "Some page got slower than the release allows.")
    return held


def _median_ms(reports: list[dict], name: str) -> float:
    return statistics.median(report["pages"][name]["median_ms"] for report in reports)


def _ratio(reports: list[dict], name: str) -> float:
    """The median over the rounds of the page's ratio to the floor."""
    return statistics.median(report["pages"][name]["x_floor"] for report in reports)


if __name__ == "__main__":
    main()
