"""Regenerate the portal and Dashboard screenshots that notebooks 01 and 02 show.

    PYTHONPATH=$PWD .venv/bin/python notebooks/images/regenerate.py

Runs the browser test that walks each guide in headless Chromium
(``tests/browser/test_portal_browser.py::test_guide_in_the_browser``: Debian's
``chromium`` and ``chromium-driver``, the ``selenium`` package), takes the ``NN-name.png``
screenshots it saves, and writes the ones the notebooks show here as
``<guide>-<name>.png``: 800 pixels wide, quantised to at most 64 colours (Pillow, the
``notebooks`` extra), each under :data:`MAX_BYTES`. The pages come from the emulators
and our reference portal, so ports and ids differ from run to run: regenerate only when
a page changes. The notebooks embed them as ``images/<guide>-<name>.png``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TEST = "tests/browser/test_portal_browser.py::test_guide_in_the_browser"
#: Every screenshot the notebooks show, by guide: the ``name`` of ``NN-name.png``, as
#: ``Browser.shot`` writes it (tests/browser/pages.py).
SHOTS: dict[str, tuple[str, ...]] = {
    guide: ("admin-create-api", "admin-api-authentication", "admin-create-policy", "admin-api-default-policy",
            "admin-catalogue-add-api", "admin-catalogue-dcr-settings", *extra,
            "wizard-oauth-clients", "wizard-select-api", "wizard-client-name", "client-secret-masked")
    for guide, extra in (("keycloak", ()), ("gluu", ("admin-add-developer",)))
}
WIDTH = 800
MAX_BYTES = 60_000


def shrink(src: Path, dst: Path) -> int:
    """``src`` downscaled to :data:`WIDTH` and quantised, written to ``dst``; its size."""
    from PIL import Image

    with Image.open(src) as im:
        rgb = im.convert("RGB")
        height = round(rgb.height * WIDTH / rgb.width)
        small = rgb.resize((WIDTH, height), Image.Resampling.LANCZOS)
    for colours in (64, 32, 16):
        small.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(dst, optimize=True)
        size = dst.stat().st_size
        if size < MAX_BYTES:
            return size
    raise SystemExit(f"{dst.name}: still {size} bytes with 16 colours (limit {MAX_BYTES})")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--from", dest="shots", type=Path,
                   help="use the screenshots already under this browser/ folder instead of running the test")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dcr-shots-") as tmp:
        shots = args.shots
        if shots is None:
            run = Path(tmp) / "run"
            cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", TEST, "--harness-report-dir", str(run)]
            subprocess.run(cmd, cwd=ROOT, check=True)
            shots = Path(tmp) / "browser"
        for guide, names in SHOTS.items():
            folder = shots / f"test_guide_in_the_browser_{guide}_"
            by_name = {re.sub(r"^\d+-", "", f.stem): f for f in folder.glob("*.png")}
            for name in names:
                if name not in by_name:
                    raise SystemExit(f"{folder}: no screenshot {name!r} (the browser test names: {sorted(by_name)})")
                size = shrink(by_name[name], HERE / f"{guide}-{name}.png")
                sys.stdout.write(f"{guide}-{name}.png  {size} bytes\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
