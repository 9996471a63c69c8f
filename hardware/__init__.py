"""Hardware adapters implementing kiosk.ports; the domain never imports these."""

from __future__ import annotations

import os
from pathlib import Path


def _keep_escpos_cache() -> None:
    """Give python-escpos a lasting place for its parsed printer database.

    Without ESCPOS_CAPABILITIES_PICKLE_DIR it pickles into a fresh temp dir in
    every process, so the cache never hits and each start parses the whole
    YAML profile file again (about 0.3 s on a desktop, seconds on a Pi).
    Runs here because every adapter that imports escpos is in this package.
    """
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" in os.environ:
        return
    if os.environ.get("CACHE_DIRECTORY"):  # systemd's CacheDirectory=
        folder = Path(os.environ["CACHE_DIRECTORY"].split(":")[0])
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(base) / "antrian-kiosk"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # escpos falls back to its temp dir: slower, still correct
    if os.access(folder, os.W_OK):
        os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(folder)


_keep_escpos_cache()
