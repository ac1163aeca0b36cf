"""The OCR engine: RapidOCR (``rapidocr-onnxruntime``, PaddleOCR's models run by ONNX Runtime on
the CPU, the models inside the wheel: nothing is downloaded, nothing leaves the machine).

It runs in a child process (this file, run as a script), for two reasons: a hard time cap (the
child is killed when it runs over) and a worker that stays small (the engine's memory is given
back when the child ends). The parent sends the image on standard input and reads the text boxes
as JSON on standard output; it then groups the boxes into lines, left to right.

Images are made upright (EXIF orientation) and scaled down to ``MAX_SIDE`` pixels on their
longest side before they are sent: a 4000 x 3000 photo would cost four times as much for no
better reading.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import io
import json
import logging
import os
import subprocess
import sys
import time

logger = logging.getLogger(__name__)

MAX_SIDE = 1600  # the display copy's size: a 4000 x 3000 photo read in ~4 s of CPU instead of ~7 at 2000 px
ENGINE_PACKAGE = "rapidocr-onnxruntime"


class EngineError(RuntimeError):
    pass


def available() -> bool:
    """Whether the engine is installed (without importing it: that takes half a second)."""
    return all(importlib.util.find_spec(name) is not None for name in ("rapidocr_onnxruntime", "cv2", "onnxruntime"))


def name() -> str:
    try:
        return f"{ENGINE_PACKAGE} {importlib.metadata.version(ENGINE_PACKAGE)}"
    except importlib.metadata.PackageNotFoundError:
        return ENGINE_PACKAGE


def prepare(data: bytes) -> bytes:
    """The image upright, at most MAX_SIDE px, as a JPEG of high quality without chroma
    subsampling (small text stays sharp; a tenth of the size of a PNG of a photo)."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        w, h = image.size
        longest = max(w, h, 1)
        if longest > MAX_SIDE:  # JPEG: decode at a reduced scale, much faster than a full decode
            image.draft("RGB", (-(-w * MAX_SIDE // longest), -(-h * MAX_SIDE // longest)))
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=2.0)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=92, subsampling=0)
    return out.getvalue()


def threads() -> int:
    """CPU threads for one reading: 1 by default (a worker shares its machine; on a loaded
    2-core machine one thread read faster than two). ``OCR_THREADS`` in the environment."""
    from django.conf import settings

    return max(1, int(getattr(settings, "OCR_THREADS", 1)))


def recognise(data: bytes, *, timeout: float) -> list[str]:
    """The lines of text in an image (any format Pillow opens). ``EngineError`` when the engine
    fails or runs over ``timeout`` seconds."""
    image = prepare(data)
    started = time.monotonic()
    env = {**os.environ, "OMP_NUM_THREADS": str(threads())}
    try:
        done = subprocess.run(  # noqa: S603 - our own script, with this interpreter
            # -I: isolated, so that this folder's modules (parse, pdf…) never shadow a library's
            [sys.executable, "-I", os.path.abspath(__file__)], input=image, capture_output=True, timeout=timeout,
            check=False, env=env)
    except subprocess.TimeoutExpired:
        raise EngineError(f"OCR stopped after {timeout:.0f} s") from None
    if done.returncode != 0:
        raise EngineError(f"OCR failed: {done.stderr.decode(errors='replace')[-500:]}")
    boxes = json.loads(done.stdout or b"[]")
    logger.info("OCR: %s boxes in %.2f s", len(boxes), time.monotonic() - started)
    return lines_of(boxes)


def lines_of(boxes: list) -> list[str]:
    """Group text boxes ``[[x, y] * 4, text, score]`` into lines: a box belongs to a line when its
    vertical centre lies within half a box height of the line's; a line reads left to right, its
    boxes joined by two spaces (columns stay apart)."""
    items = []
    for points, text, _score in boxes:
        ys = [p[1] for p in points]
        xs = [p[0] for p in points]
        items.append(((min(ys) + max(ys)) / 2, max(max(ys) - min(ys), 1), min(xs), text))
    items.sort()
    lines: list[list] = []
    for centre, height, x, text in items:
        if lines and abs(lines[-1][0] - centre) <= min(lines[-1][1], height) / 2:
            line = lines[-1]
            line[2].append((x, text))
        else:
            lines.append([centre, height, [(x, text)]])
    return ["  ".join(t for _x, t in sorted(parts)) for _c, _h, parts in lines]


def _main() -> None:  # pragma: no cover - runs in the child process
    import cv2
    import numpy as np
    from rapidocr_onnxruntime import RapidOCR

    data = sys.stdin.buffer.read()
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        sys.exit("not an image")
    engine = RapidOCR(intra_op_num_threads=int(os.environ.get("OMP_NUM_THREADS", "1")), inter_op_num_threads=1)
    result, _elapse = engine(image)
    out = [[[[float(x), float(y)] for x, y in box], text, float(score)] for box, text, score in (result or [])]
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":  # pragma: no cover
    _main()
