"""MIMAC served by gunicorn on loopback, for the benchmarks that need a real server."""

import contextlib
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def gunicorn(port: int, workers: int, env: dict):
    """A running gunicorn, once /healthz answers; stopped on the way out."""
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "mimac.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "--error-logfile", "-",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz")
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(url: str) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(url, timeout=1).read()  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer at {url}")
