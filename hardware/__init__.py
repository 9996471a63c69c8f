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
    if os.access(folder, os.W_OK) and _pickle_ready(folder):
        os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(folder)


def _pickle_ready(folder: Path) -> bool:
    """Make sure the cached printer database in ``folder`` is whole, writing it ourselves.

    python-escpos writes its pickle in place (open, then dump): a kiosk killed or a
    power cut in between leaves a short file, and every later start fails to load it
    (EOFError) until someone deletes it: no printing at all. So the file is written
    here instead, atomically (a temporary file, fsync, rename), whenever it is missing,
    older than the database it caches, or cut short; python-escpos then only reads it.
    Costs two ``stat`` calls when the file is good. False: leave escpos to its own
    temporary folder (slower starts, still correct).
    """
    import platform
    from importlib.util import find_spec

    spec = find_spec("escpos")
    if spec is None or spec.origin is None:
        return False
    source = Path(spec.origin).parent / "capabilities.json"
    target = folder / f"{platform.python_version()}.capabilities.pickle"
    try:
        if target.stat().st_mtime > source.stat().st_mtime and _whole(target):
            return True
    except OSError:
        pass  # missing: write it
    try:
        _write_pickle(source, target)
    except Exception:  # noqa: BLE001 - a cache: without it escpos still works
        return False
    return True


def _whole(pickle_file: Path) -> bool:
    """A pickle ends with its STOP opcode: a file cut short almost never does."""
    with pickle_file.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() < 2:
            return False
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"."


def _write_pickle(source: Path, target: Path) -> None:
    import pickle
    import tempfile

    import yaml  # only when the cache is rebuilt (after an install or an upgrade)

    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not data:
        raise ValueError(f"{source} holds no printer database")
    fd, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(data, handle, protocol=2)  # what python-escpos writes and reads
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_keep_escpos_cache()
