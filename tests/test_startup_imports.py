"""`kiosk run`'s first frame needs only Textual, the config and the screens.

A fresh interpreter runs `kiosk run` (kiosk.cli.main) headless up to the drawn home
screen, with the start-up threads (store, services, devices; the imports ahead of
them) left out, and reports which
heavy libraries were imported by then. Importing one of them at module level again
anywhere on that path adds its import time to every start (bench/startup.py).
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, SIM_CONFIG

HEAVY = ("sqlite_utils", "numpy", "gpiozero", "escpos", "cryptography", "cv2", "zxingcpp",
         "pyzbar", "httpx")

CHILD = """
import json, sys
from textual.app import App
import kiosk.cli
import screens.app
from screens.home import HomeScreen

HEAVY = {heavy!r}
kiosk.cli._start_kiosk = lambda config, started, app, **options: None  # no store, no devices
# Nor the thread importing gpiozero & co. in parallel (kiosk.appliance.import_for_serving):
# it does so on purpose; this is about the main thread's path to the first frame.
kiosk.cli._start_run = lambda: None
original_mount = screens.app.KioskApp.on_mount

def report(app):
    if not (isinstance(app.screen, HomeScreen) and app.screen.is_mounted):
        app.call_after_refresh(report, app)
        return
    print(json.dumps({{"screen": type(app.screen).__name__,
                      "heavy": sorted(m for m in HEAVY if m in sys.modules)}}))
    app.exit()

def on_mount(self):
    original_mount(self)
    self.call_after_refresh(report, self)

screens.app.KioskApp.on_mount = on_mount
screens.app.KioskApp.run = lambda self, *a, **k: App.run(self, headless=True, size=(100, 30))
sys.exit(kiosk.cli.main(["--config", {config!r}, "run"]))
"""


def test_kiosk_run_draws_its_first_frame_without_heavy_libraries() -> None:
    child = CHILD.format(heavy=HEAVY, config=str(SIM_CONFIG))
    proc = subprocess.run([sys.executable, "-c", child], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    outcome = json.loads(proc.stdout.strip().splitlines()[-1])
    assert outcome["screen"] == "HomeScreen"
    assert outcome["heavy"] == [], f"imported before the first frame: {outcome['heavy']}"


def test_the_check_would_see_a_heavy_import() -> None:
    """The child's check is real: a module that imports sqlite-utils is reported."""
    child = CHILD.format(heavy=HEAVY, config=str(SIM_CONFIG)).replace(
        "import kiosk.cli\n", "import kiosk.cli\nimport kiosk.store, sqlite_utils\n", 1)
    proc = subprocess.run([sys.executable, "-c", child], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "sqlite_utils" in json.loads(proc.stdout.strip().splitlines()[-1])["heavy"]
