"""python-escpos' cached printer database survives a kiosk killed while writing it.

python-escpos pickles its printer database in place; a SIGKILL or a power cut in
the middle left a short file, and every later start failed to import the printer
driver (EOFError): no tickets at all (found by tests/test_crash_harness.py). The
kiosk now writes that file itself, atomically, and replaces one cut short.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

PRINT_ONE = ("import hardware, os\n"
             "from escpos.printer import Dummy\n"
             "printer = Dummy(); printer.text('A001\\n'); printer.cut()\n"
             "print(os.environ['ESCPOS_CAPABILITIES_PICKLE_DIR'], len(printer.output))\n")


def run(cache: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("ESCPOS_CAPABILITIES_PICKLE_DIR", "CACHE_DIRECTORY")}
    env["XDG_CACHE_HOME"] = str(cache)
    return subprocess.run([sys.executable, "-c", PRINT_ONE], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def pickle_in(cache: Path) -> Path:
    return cache / "antrian-kiosk" / f"{platform.python_version()}.capabilities.pickle"


@pytest.mark.parametrize("damage", ["empty", "cut short"])
def test_a_cache_file_cut_short_is_replaced_and_printing_works(tmp_path: Path,
                                                              damage: str) -> None:
    first = run(tmp_path)
    assert first.returncode == 0, first.stderr
    cached = pickle_in(tmp_path)
    whole = cached.read_bytes()
    assert whole.endswith(b".") and first.stdout.split()[0] == str(cached.parent)
    # What a kill in the middle of python-escpos' own write leaves: a short file,
    # newer than the database (so python-escpos would trust it and fail).
    cached.write_bytes(b"" if damage == "empty" else whole[:len(whole) // 2])
    later = time.time() + 5
    os.utime(cached, (later, later))
    again = run(tmp_path)
    assert again.returncode == 0, again.stderr[-2000:]
    assert int(again.stdout.split()[1]) > 0  # bytes for the printer
    assert cached.read_bytes() == whole
    assert not list(cached.parent.glob("*.tmp"))  # no temporary file left behind
