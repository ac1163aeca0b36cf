"""A receipt photographed at 4000 × 3000: stored and read back downscaled in under 2 s.

    python -m bench expenses      (or: python -m bench.expenses --runs 5)

What it measures, per run: checking the photo (Pillow verify), writing the original through the
default storage, making the display copy (EXIF orientation, at most 1600 px, JPEG) and storing
it, then reading the display copy back — what ``expenses.services.save_claim`` and the preview
view do. The storage is the one settings give (local disk under a scratch MEDIA_ROOT, or the
bucket of STORAGE_URL). Results in var/bench/expenses-results.json; exit 1 above the budget.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
BUDGET_S = 2.0


def photo(width=4000, height=3000) -> bytes:
    """A busy photo (noise compresses badly, like a real one), EXIF orientation 6."""
    from PIL import Image

    image = Image.effect_noise((width // 4, height // 4), 64).convert("RGB").resize((width, height))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.expenses")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    scratch = tempfile.mkdtemp(prefix="bench-expenses-")
    os.environ.setdefault("MEDIA_ROOT", scratch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compagnon.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image

    from compagnon.expenses import receipts

    data = photo()
    timings = []
    for run in range(args.runs):
        started = time.perf_counter()
        kind = receipts.check(data)
        original = default_storage.save(f"bench-expenses/{run}-receipt.jpg", ContentFile(data))
        small = receipts.preview(data)
        shown = default_storage.save(f"bench-expenses/{run}-preview.jpg", ContentFile(small))
        with default_storage.open(shown, "rb") as handle:
            read = handle.read()
        timings.append(time.perf_counter() - started)
        with Image.open(io.BytesIO(read)) as image:
            size = image.size
        default_storage.delete(original)
        default_storage.delete(shown)
    worst = max(timings)
    result = {"photo": "4000x3000 JPEG", "bytes": len(data), "type": kind, "preview_size": list(size),
              "preview_bytes": len(small), "runs": len(timings), "median_s": round(statistics.median(timings), 3),
              "max_s": round(worst, 3), "budget_s": BUDGET_S, "ok": worst < BUDGET_S}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "expenses-results.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"expenses: a 4000×3000 receipt stored and read downscaled ({size[0]}×{size[1]}): median "
          f"{result['median_s']:.3f} s, worst {worst:.3f} s (budget {BUDGET_S:.0f} s) — {'OK' if result['ok'] else 'TOO SLOW'}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
