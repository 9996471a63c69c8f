"""`make lock-check`: can a 64-bit Raspberry Pi install every locked package from a wheel?

Raspberry Pi OS Bookworm (64-bit) has CPython 3.11 on aarch64 with glibc 2.36,
and a Pi should never have to compile numpy or OpenCV. This downloads every
requirement of the given lock files with pip, wheels only, for exactly that
platform, checking the lock's hashes, into a throwaway folder. Environment
markers are evaluated here for the Pi (pip would evaluate them for the machine
running the check) and stripped. When pip fails,
each requirement is tried on its own so that the message names every package
without such a wheel, not just the first one pip stumbled on.

    python .ci/lock_check.py requirements.lock requirements-test.lock
    python .ci/lock_check.py --arch armv7l requirements.lock   # 32-bit Pi OS: fails

Exit status 0: every package has a wheel; 1: at least one has none (named);
2: bad usage or an unreadable lock file.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from packaging.markers import Marker

PYTHON_VERSION = "3.11"
PYTHON_FULL_VERSION = "3.11.2"  # Bookworm's python3
GLIBC_MINOR = 36  # Debian 12 "bookworm"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*==[^\s;\\]+)\s*(?:;([^\\]*))?\\?\s*$")


def pi_environment(arch: str) -> dict[str, str]:
    return {
        "python_version": PYTHON_VERSION, "python_full_version": PYTHON_FULL_VERSION,
        "implementation_name": "cpython", "platform_python_implementation": "CPython",
        "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
        "platform_machine": arch,
    }


def platforms(arch: str) -> list[str]:
    """Every manylinux tag a glibc-2.36 machine accepts (PEP 600), plus the legacy alias."""
    tags = [f"manylinux_2_{minor}_{arch}" for minor in range(GLIBC_MINOR, 16, -1)]
    return [*tags, f"manylinux2014_{arch}"]


def requirements(lock: Path, arch: str) -> list[tuple[str, str]]:
    """(name==version, block with its hash lines, marker removed) for what the Pi installs.

    Entries whose marker is false on the Pi (such as numpy's pin for Python 3.12+)
    are left out; the rest lose their marker so pip cannot re-evaluate it.
    """
    environment = pi_environment(arch)
    keep = True
    blocks: list[tuple[str, str]] = []
    for line in lock.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0].isspace():
            if not blocks and keep:
                raise ValueError(f"{lock}: continuation line before any requirement: {line!r}")
            if keep:
                pin, block = blocks[-1]
                blocks[-1] = (pin, f"{block}\n{line}")
            continue
        match = PIN.match(line)
        if not match:
            raise ValueError(f"{lock}: not a pinned requirement line: {line!r}")
        pin, marker = match.group(1), match.group(2)
        keep = not marker or Marker(marker.strip()).evaluate(environment)
        if keep:
            blocks.append((pin, f"{pin} \\"))
    return blocks


def pip_download(requirement_file: Path, dest: Path, arch: str) -> subprocess.CompletedProcess:
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
        "--no-deps", "--require-hashes", "--only-binary=:all:",
        "--python-version", PYTHON_VERSION, "--implementation", "cp",
        "--abi", "cp311", "--abi", "abi3", "--abi", "none",
        "--dest", str(dest),
    ]
    for platform in platforms(arch):
        command += ["--platform", platform]
    return subprocess.run([*command, "-r", str(requirement_file)], capture_output=True, text=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("locks", nargs="+", type=Path, help="pip-format lock files")
    parser.add_argument("--arch", default="aarch64", help="machine (default aarch64)")
    args = parser.parse_args(argv)
    target = f"CPython {PYTHON_VERSION} on {args.arch} (manylinux, glibc <= 2.{GLIBC_MINOR})"
    try:
        entries = dict(entry for lock in args.locks for entry in requirements(lock, args.arch))
    except (OSError, ValueError) as exc:
        print(f"lock-check: {exc}", file=sys.stderr)
        return 2

    started = time.monotonic()
    missing: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="lock-check-") as tmp:
        dest = Path(tmp) / "wheels"
        every = Path(tmp) / "all.txt"
        every.write_text("\n".join(entries.values()) + "\n", encoding="utf-8")
        done = pip_download(every, dest, args.arch)
        if done.returncode == 0:
            files = sorted(p.name for p in dest.iterdir())
            not_wheels = [name for name in files if not name.endswith(".whl")]
            if not_wheels or len(files) != len(entries):
                print(f"lock-check: FAILED: expected {len(entries)} wheels, got {files}",
                      file=sys.stderr)
                return 1
            print(f"lock-check: all {len(files)} locked packages have a wheel for {target} "
                  f"({time.monotonic() - started:.0f} s)")
            return 0
        # pip stops at the first failure: try each package alone to name every culprit.
        single = Path(tmp) / "one.txt"
        for pin, block in entries.items():
            single.write_text(block + "\n", encoding="utf-8")
            one = pip_download(single, dest, args.arch)
            if one.returncode != 0:
                errors = [ln for ln in one.stderr.splitlines() if ln.startswith("ERROR")]
                missing.append((pin, errors[-1] if errors else one.stderr.strip()[-300:]))
    if not missing:
        print("lock-check: FAILED: pip failed on the whole lock but on no single package:",
              file=sys.stderr)
        print(done.stderr, file=sys.stderr)
        return 1
    print(f"lock-check: FAILED: no wheel for {target} for these locked packages "
          "(a Pi would have to build them, or cannot install them):", file=sys.stderr)
    for pin, why in missing:
        print(f"  {pin}\n      pip: {why}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
