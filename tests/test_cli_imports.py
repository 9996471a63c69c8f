"""`kiosk issue` imports only what taking and printing a number uses.

Staff scripts and a broken screen's fallback start one process per ticket, so every
module it imports is paid for on every ticket (bench/cli_issue.py). A fresh
interpreter runs `kiosk issue walkin` on the simulation config (no hub, no tracking
links, no NIK) and reports what it imported: the ticket still comes from
python-escpos, and check-in, the booking QR's cryptography, sync, the LAN API and
the rest stay out.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, at_moment
from tests.test_cli import MOMENT, make_config

# What this command on this config has no use for; each one here costs every ticket.
UNUSED = ("kiosk.checkin", "cryptography", "kiosk.sync", "kiosk.lan", "kiosk.notify",
          "kiosk.staff", "kiosk.doctor", "kiosk.reports", "kiosk.hub", "screens", "textual",
          "sqlite_utils", "httpx", "gpiozero", "cv2", "numpy", "hardware.camera",
          "kiosk.queue.clock_trust",  # a simulation borrows its clock: nothing to judge
          "kiosk.privacy.nik",  # no [walkin] require_nik: no NIK to check
          "hashlib", "statistics")  # no tracking links; too few services to take quartiles

CHILD = """
import json, sys
from kiosk.cli import main
code = main(["--config", {config!r}, "issue", "walkin"])
print(json.dumps({{"code": code, "modules": sorted(sys.modules)}}))
"""


def issue_once(config: Path, prelude: str = "") -> dict:
    proc = subprocess.run([sys.executable, "-c", prelude + CHILD.format(config=str(config))],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=at_moment(MOMENT), check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    label, report = proc.stdout.strip().splitlines()[-2:]
    return {"label": label, **json.loads(report)}


def loaded(modules: list[str]) -> list[str]:
    return sorted(name for name in UNUSED
                  if any(m == name or m.startswith(name + ".") for m in modules))


def test_kiosk_issue_prints_with_python_escpos_and_loads_nothing_it_does_not_use(
        tmp_path: Path) -> None:
    outcome = issue_once(make_config(tmp_path))
    assert (outcome["label"], outcome["code"]) == ("A001", 0)
    assert b"A001" in (tmp_path / "t.bin").read_bytes()
    assert "escpos.escpos" in outcome["modules"]  # the ticket's bytes are python-escpos'
    assert loaded(outcome["modules"]) == []


def test_the_check_would_see_a_module_it_does_not_use(tmp_path: Path) -> None:
    outcome = issue_once(make_config(tmp_path), prelude="import kiosk.checkin.service\n")
    assert "kiosk.checkin" in loaded(outcome["modules"])
