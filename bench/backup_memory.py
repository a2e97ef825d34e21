"""Peak memory of a backup, and of its restore, over a generated set of photos: both stream, so it stays flat
however many gigabytes the photos weigh (the target: under 300 MB resident for 5 GB of photos).

    python bench/backup_memory.py [--gigabytes 5] [--no-restore] [--keep DIR]

In a scratch folder (removed at the end; it needs twice the photos' size free, three times with the restore): a
SQLite database, migrated, with one chapter and a Photo row for each photo file; the files are JPEGs as MIMAC
stores them (2048 x 1536, re-encoded, about 700 KB), twenty different ones written again under new names until the
set weighs what was asked. Then, each in a process of its own, as its timer or an admin runs it: `manage.py check`
(the baseline: Django and the face detector loaded), `manage.py backup`, and `manage.py restore` into a new
database and an empty photo folder (every photo checked by the photo policy again). Prints each one's peak resident
memory (the kernel's count), the peak of it and the processes it starts added up (proportional set sizes, so pages
they share count once: the restore checks photos in child processes), and its time; exits with 1 when either goes
over 300 MB.
"""

import argparse
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyrage
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB = 300
SIDE = (2048, 1536)
DISTINCT = 20


def photo(seed: int) -> bytes:
    """A JPEG like those the photo policy stores: full size, re-encoded at its quality, no metadata, no face."""
    rng = random.Random(seed)  # noqa: S311 (the same pictures every run, not a secret)
    small = Image.frombytes("RGB", (256, 192), rng.randbytes(256 * 192 * 3))
    image = small.resize(SIDE, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    output = io.BytesIO()
    image.save(output, "JPEG", quality=85, optimize=True)
    return output.getvalue()


def _tree_pss_mb(root: int) -> float:
    """The memory of a process and all its descendants, in MB: their proportional set sizes added up, so pages
    they share (the restore's checking processes are forked from one that loaded the detector) count once."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = dict(line.split(":", 1) for line in Path(f"/proc/{entry}/status").read_text().splitlines())
            except (OSError, ValueError):
                continue  # ended meanwhile
            parents[int(entry)] = int(fields["PPid"])
    tree, grew = {root}, True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree, grew = tree | children, bool(children)
    total = 0.0
    for pid in tree:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += int(rollup.split("\nPss:", 1)[1].split()[0]) / 1024
    return total


def manage(env: dict, *args) -> tuple[float, float, float, subprocess.CompletedProcess]:
    """Run manage.py in a process of its own. Returns its peak resident memory in MB (the kernel's count), the
    peak memory of it with every process it starts (sampled four times a second), its seconds, and its result."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=out, stderr=err)
        tree = 0.0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            tree = max(tree, _tree_pss_mb(process.pid))
            time.sleep(0.25)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(process.args, process.returncode, out.read().decode(), err.read().decode())
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return usage.ru_maxrss / 1024, tree, seconds, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gigabytes", type=float, default=5.0)
    parser.add_argument("--no-restore", action="store_true", help="Measure the backup only.")
    parser.add_argument("--keep", type=Path, help="Make the scratch folder here, and keep it.")
    options = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="mimac-bench-backup-", dir=options.keep))
    try:
        run(scratch, options)
    finally:
        if not options.keep:
            shutil.rmtree(scratch, ignore_errors=True)


def run(scratch: Path, options) -> None:
    identity = pyrage.x25519.Identity.generate()
    (scratch / "offline.key").write_text(f"{identity}\n")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{scratch / 'mimac.sqlite3'}",
        "PHOTO_ROOT": str(scratch / "photos"),
        "BACKUP_PUBLIC_KEY": str(identity.to_public()),
        "DEBUG": "0",
    }
    manage(env, "migrate", "--verbosity", "0")

    target = int(options.gigabytes * 1e9)
    kinds = [photo(seed) for seed in range(DISTINCT)]
    names, written = [], 0
    while written < target:
        data = kinds[len(names) % DISTINCT]
        name = f"2026/{len(names) // 1000 + 1:02d}/bench-{len(names):06d}.jpg"
        path = scratch / "photos" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        names.append(name)
        written += len(data)
    (scratch / "names.txt").write_text("\n".join(names))
    manage(
        env, "shell", "-c",
        "from pathlib import Path; from django.contrib.auth import get_user_model; "
        "from mimac.models import Chapter, Photo; "
        "chapter = Chapter.objects.create(name='Bench', code='BEN'); "
        "user = get_user_model().objects.create_user('bench'); "
        f"names = Path({str(scratch / 'names.txt')!r}).read_text().split(); "
        "Photo.objects.bulk_create([Photo(chapter=chapter, uploaded_by=user, image=n) for n in names], 1000)",
    )  # fmt: skip

    rows = [("baseline: manage.py check", *manage(env, "check")[:3])]
    rows.append(("manage.py backup", *manage(env, "backup", "--to", str(scratch / "backups"))[:3]))
    [archive] = (scratch / "backups").glob("mimac-*.tar.age")
    (scratch / "photos").rename(scratch / "photos-before")
    if not options.no_restore:
        restore_env = {**env, "DATABASE_URL": f"sqlite:///{scratch / 'restored.sqlite3'}"}
        *measures, restored = manage(restore_env, "restore", str(archive), "--identity", str(scratch / "offline.key"))
        rows.append(("manage.py restore", *measures))
        assert f"each checked by the photo policy: {len(names)}." in restored.stdout, restored.stdout

    load = os.getloadavg()[0]
    machine = f"{os.cpu_count()} cores (load {load:.1f}), SQLite"
    print(f"MIMAC backup memory, {machine}; {len(names):,} photos, {written / 1e9:.2f} GB")
    print(f"backup file: {archive.stat().st_size / 1e9:.2f} GB, encrypted")
    print(f"{'':<28}{'peak RSS MB':>12}{'with children':>15}{'seconds':>10}")
    for label, resident, tree, seconds in rows:
        print(f"{label:<28}{resident:>12.0f}{tree:>15.0f}{seconds:>10.0f}")
    worst = max(max(resident, tree) for _label, resident, tree, _seconds in rows)
    print(f"Largest: {worst:.0f} MB, limit {LIMIT_MB} MB: {'within' if worst < LIMIT_MB else 'OVER'}")
    if worst >= LIMIT_MB:
        sys.exit(1)


if __name__ == "__main__":
    main()
