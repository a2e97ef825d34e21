"""The pages against the first release, in one run: each page's ratio to the floor, here and at v1.0.

    python bench/against_release.py [--requests 30] [--only NAME]      (or: make bench-release)

Needs the PostgreSQL server. The first release (a worktree of tag v1.0, d7a56f3 where a clone has no tags) fills
BENCH_RELEASE_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/mimac_scale_v1) with its own seed_scale
once, and its own bench/pages.py times its pages there. That database is then copied and the copy migrated with
this tree, whose bench/pages.py times the same pages on the same rows. A page holds when its ratio to the floor
(a bare "hello" view timed in the same run) is at most 10% above the release's; the script exits non-zero if any
page does not. Each side's full report is written beside the comparison, in bench/results/.
"""

import argparse
import json
import os
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--only", default="", help="time only the pages whose name contains this")
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
            create_database(release_url)
            vacuum_analyze(release_url)
            before = _bench(release, release_url, options, results / "pages-release.json")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(release)], cwd=ROOT, check=False)
    copy_database(release_url, upgraded_url)
    vacuum_analyze(upgraded_url)
    now = _bench(ROOT, upgraded_url, options, results / "pages-now.json")
    held = _compare(before, now)
    options.json.write_text(json.dumps({"release": before, "now": now, "held": held}, indent=2))
    sys.exit(0 if held else 1)


def _release_commit() -> str:
    found = subprocess.run(["git", "rev-parse", "-q", "--verify", f"{RELEASE}^{{commit}}"], cwd=ROOT,
                           capture_output=True, text=True, check=False)  # fmt: skip
    return found.stdout.strip() or RELEASE_COMMIT


def _bench(tree: Path, url: str, options, report: Path) -> dict:
    """Run a tree's own bench/pages.py on a database with this interpreter; its JSON report."""
    print(
        f"-- timing the pages of {tree.name if tree != ROOT else 'this tree'} on {url.rsplit('/', 1)[-1]}", flush=True
    )
    env = os.environ | {"BENCH_PAGES_DATABASE_URL": url, "PYTHONPATH": str(tree)}
    command = [sys.executable, "bench/pages.py", "--requests", str(options.requests), "--json", str(report)]
    command += ["--only", options.only] if options.only else []
    subprocess.run(command, cwd=tree, env=env, check=True)
    return json.loads(report.read_text())


def _compare(before: dict, now: dict) -> bool:
    print(f"\n{'page':26} {'x floor v1.0':>12} {'x floor now':>11} {'change':>7}")
    held = True
    for name in before["pages"].keys() & now["pages"].keys() - {"floor (hello)"}:
        was, is_now = _ratio(before, name), _ratio(now, name)
        ok = is_now <= was * ALLOWED
        held &= ok
        print(f"{name:26} {was:12.1f} {is_now:11.1f} {is_now / was - 1:+7.0%}{'' if ok else '  beyond 10%'}")
    print("Every page holds its ratio to the floor." if held else "Some page got slower than the release allows.")
    return held


def _ratio(report: dict, name: str) -> float:
    """The page's median over the floor's, unrounded (the report's own x_floor has one decimal)."""
    return report["pages"][name]["median_ms"] / report["pages"]["floor (hello)"]["median_ms"]


if __name__ == "__main__":
    main()
