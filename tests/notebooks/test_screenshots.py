"""The portal and Dashboard screenshots notebooks 01 and 02 show (issue 20, item 2):
committed small, each one used, each one produced by the browser test that
notebooks/images/regenerate.py runs."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "notebooks" / "images"


def _regenerate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("regenerate", IMAGES / "regenerate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_screenshot_is_a_small_png_a_notebook_shows() -> None:
    regen = _regenerate()
    pngs = sorted(IMAGES.glob("*.png"))
    expected = sorted(f"{guide}-{name}.png" for guide, names in regen.SHOTS.items() for name in names)
    assert [p.name for p in pngs] == expected
    sources = {guide: (ROOT / "notebooks" / f"{n}.py").read_text(encoding="utf-8")
               for guide, n in (("keycloak", "01-keycloak-dcr"), ("gluu", "02-gluu-dcr"))}
    for png in pngs:
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", png.name
        assert len(data) < regen.MAX_BYTES, f"{png.name}: {len(data)} bytes"
        guide = png.name.split("-", 1)[0]
        assert f"](images/{png.name})" in sources[guide], f"{png.name} is not shown in its notebook"


def test_regenerate_takes_only_shots_the_browser_test_takes() -> None:
    """Every name regenerate.py copies is one ``Browser.shot`` call of the guide test (or the
    wizard flow it uses), so a renamed shot fails here, not when someone regenerates."""
    regen = _regenerate()
    browser = "\n".join((ROOT / "tests" / "browser" / f).read_text(encoding="utf-8")
                        for f in ("test_portal_browser.py", "flows.py"))
    taken = {re.sub(r"[^a-z0-9]+", "-", n.lower()).strip("-") for n in re.findall(r'\.shot\("([^"]+)"\)', browser)}
    for names in regen.SHOTS.values():
        assert set(names) <= taken, sorted(set(names) - taken)
