"""The systemd units and systemd/install.sh: what a Pi gets, checked without a Pi.

Units: the keys the kiosk relies on are present, and `systemd-analyze verify`
passes where systemd-analyze exists. install.sh: run unprivileged into a
staging root (``--root``, ``--no-venv``), checking the file tree, that a
second run changes nothing, and the update path with a good and a failing
new version. Package installation, the user, systemctl and the venv need a
real Pi (root, network, systemd as PID 1) and are not exercised here.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kiosk import store
from kiosk.clock import utc_now
from tests.conftest import ROOT

# Real-office configs refuse a shifted clock (make test AT=...): these run on the real
# one, and no outcome here depends on it.
pytestmark = pytest.mark.usefixtures("real_clock")

SYSTEMD = ROOT / "systemd"
INSTALL = SYSTEMD / "install.sh"
UNITS = ["kiosk.service", "kiosk-tty.service", "kiosk-board.service", "kiosk-survey.service",
         "kiosk-backup.service", "kiosk-backup.timer", "kiosk-hub.service"]
APP_BIN = "/opt/antrian-kiosk/current/.venv/bin/kiosk"


def parse_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Sections to (key, value) pairs in order; systemd allows repeated keys."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        assert current is not None, f"{path.name}: key outside a section: {line}"
        key, _, value = line.partition("=")
        current.append((key.strip(), value.strip()))
    return sections


def values(unit: dict, section: str, key: str) -> list[str]:
    return [v for k, v in unit.get(section, []) if k == key]


def one(unit: dict, section: str, key: str) -> str:
    found = values(unit, section, key)
    assert len(found) == 1, f"[{section}] {key}: {found}"
    return found[0]


@pytest.fixture(scope="module")
def units() -> dict[str, dict]:
    return {name: parse_unit(SYSTEMD / name) for name in UNITS}


def test_every_unit_exists_and_no_placeholder_hub_unit() -> None:
    for name in UNITS:
        assert (SYSTEMD / name).is_file(), name
    # `kiosk hub` (the sync issue) does not exist yet: no unit may pretend it does.
    assert not (SYSTEMD / "kiosk-hub.service").exists() or "hub" in cli_commands()


def test_units_that_read_the_config_get_its_secrets_as_credentials(units) -> None:
    # A config naming nik_salt_file/token_file must load in every unit running `kiosk`;
    # the hub gets its own key the same way (docs/install.md, "Secrets").
    for name in ("kiosk.service", "kiosk-tty.service", "kiosk-board.service",
                 "kiosk-backup.service", "kiosk-survey.service"):
        assert values(units[name], "Service", "LoadCredential") == [
            "kiosk:/etc/antrian-kiosk/credentials"], name
    assert values(units["kiosk-hub.service"], "Service", "LoadCredential") == [
        "hub:/etc/antrian-kiosk/credentials"]


def test_kiosk_service_runs_the_ui_under_cage_with_the_watchdog(units) -> None:
    unit = units["kiosk.service"]
    assert one(unit, "Service", "Type") == "notify"
    assert one(unit, "Service", "WatchdogSec") == "30"
    assert one(unit, "Service", "Restart") == "always"
    assert one(unit, "Service", "User") == "kiosk"
    assert one(unit, "Service", "WorkingDirectory") == "/var/lib/antrian-kiosk"
    assert "KIOSK_CONFIG=/etc/antrian-kiosk/kiosk.toml" in values(unit, "Service", "Environment")
    argv = one(unit, "Service", "ExecStart").split()
    assert argv[0] == "/usr/bin/cage" and "/usr/bin/foot" in argv
    assert argv[-2:] == [APP_BIN, "run"]
    # kiosk run is cage's grandchild: only NotifyAccess=all lets its pings through,
    # and the unit says so.
    assert one(unit, "Service", "NotifyAccess") == "all"
    text = (SYSTEMD / "kiosk.service").read_text()
    assert "grandchild" in text and "NotifyAccess=main" in text
    assert one(unit, "Service", "TTYPath") == "/dev/tty1"
    assert one(unit, "Service", "PAMName") == "antrian-kiosk"  # the file install.sh writes
    assert "multi-user.target" in values(unit, "Install", "WantedBy")


def test_tty_fallback_is_the_kiosk_itself_on_tty1(units) -> None:
    unit = units["kiosk-tty.service"]
    assert one(unit, "Service", "Type") == "notify"
    assert one(unit, "Service", "NotifyAccess") == "main"
    assert one(unit, "Service", "WatchdogSec") == "30"
    assert one(unit, "Service", "Restart") == "always"
    assert one(unit, "Service", "TTYPath") == "/dev/tty1"
    assert "TERM=linux" in values(unit, "Service", "Environment")
    assert one(unit, "Service", "WorkingDirectory") == "/var/lib/antrian-kiosk"
    assert one(unit, "Service", "ExecStart").split() == [APP_BIN, "run"]


@pytest.mark.parametrize("name", ["kiosk.service", "kiosk-tty.service", "kiosk-backup.service"])
def test_units_that_load_the_printer_library_get_a_private_tmp(units, name: str) -> None:
    # See test_python_escpos_still_leaves_a_folder_in_tmp_at_each_import for why.
    assert one(units[name], "Service", "PrivateTmp") == "yes"


def test_python_escpos_still_leaves_a_folder_in_tmp_at_each_import(tmp_path: Path) -> None:
    """The reason for PrivateTmp above: python-escpos 3.1 calls mkdtemp() for its cache
    folder even when ESCPOS_CAPABILITIES_PICKLE_DIR names one (hardware/__init__.py).
    If this fails, a newer python-escpos stopped doing so and PrivateTmp may go."""
    env = {**os.environ, "TMPDIR": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    for _ in range(2):
        subprocess.run([sys.executable, "-c", "import hardware, escpos.printer"], cwd=ROOT,
                       env=env, check=True, timeout=60)
    left = [p for p in tmp_path.iterdir() if p.name != "cache"]
    assert len(left) == 2 and all(p.is_dir() and not any(p.iterdir()) for p in left), left


def test_screen_units_exclude_each_other_and_the_tty1_getty(units) -> None:
    screens = ["kiosk.service", "kiosk-tty.service", "kiosk-board.service",
               "kiosk-survey.service"]
    for name in screens:
        conflicts = " ".join(values(units[name], "Unit", "Conflicts")).split()
        assert "getty@tty1.service" in conflicts
        assert set(screens) - {name} <= set(conflicts), name


def test_backup_runs_daily_as_the_kiosk_user(units) -> None:
    service, timer = units["kiosk-backup.service"], units["kiosk-backup.timer"]
    assert one(service, "Service", "Type") == "oneshot"
    assert one(service, "Service", "User") == "kiosk"
    assert one(service, "Service", "ExecStart").split()[:2] == [APP_BIN, "backup"]
    assert "/var/lib/antrian-kiosk" in values(service, "Service", "ReadWritePaths")
    assert "Install" not in service  # started by the timer only
    assert one(timer, "Timer", "OnCalendar")
    assert one(timer, "Timer", "Persistent") == "yes"
    assert one(timer, "Timer", "Unit") == "kiosk-backup.service"
    assert "timers.target" in values(timer, "Install", "WantedBy")


def cli_commands() -> set[str]:
    """Every `kiosk` sub-command, including the admin ones the lead hooks into cli.py."""
    import argparse

    from kiosk import cli
    from kiosk.cli import admin as cli_admin

    parser = cli._parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands = set(sub.choices)
    if "backup" not in commands:
        extra = argparse.ArgumentParser().add_subparsers()
        cli_admin.register(extra)
        commands |= set(extra.choices)
    return commands


@pytest.mark.parametrize("name", [n for n in UNITS if n.endswith(".service")])
def test_units_start_existing_kiosk_commands(units, name: str) -> None:
    argv = one(units[name], "Service", "ExecStart").split()
    command = argv[argv.index(APP_BIN) + 1]
    if command == "board" and "board" not in cli_commands():
        pytest.skip("`kiosk board` (issue 4) is not in this tree yet")
    assert command in cli_commands()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_analyze_verify_passes(tmp_path: Path) -> None:
    """Verify copies of the units; programs missing on this machine become stubs.

    systemd-analyze checks that each ExecStart program exists. cage, foot and
    the installed kiosk live on the Pi, not here, so each absolute path that
    does not exist on this machine is replaced by an executable stub at the
    same path under a temporary folder. Nothing else in the units changes.
    """
    unit_dir, stub_root = tmp_path / "units", tmp_path / "stub"
    unit_dir.mkdir()
    rewritten: set[str] = set()
    for name in UNITS:
        lines = []
        for line in (SYSTEMD / name).read_text().splitlines():
            if re.match(r"\s*Exec\w*=", line):
                for path in re.findall(r"(?<![^\s=])/[\w./@+-]+", line):
                    if not os.path.exists(path):
                        stub = stub_root / path.lstrip("/")
                        stub.parent.mkdir(parents=True, exist_ok=True)
                        stub.write_text("#!/bin/sh\nexit 0\n")
                        stub.chmod(0o755)
                        line = line.replace(path, str(stub))
                        rewritten.add(path)
            lines.append(line)
        (unit_dir / name).write_text("\n".join(lines) + "\n")
    proc = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *[str(unit_dir / n) for n in UNITS]],
        capture_output=True, text=True, timeout=120,
    )
    output = (proc.stdout + proc.stderr).strip()
    ours = [line for line in output.splitlines()
            if str(unit_dir) in line or any(n in line for n in UNITS)]
    assert proc.returncode == 0, f"{output}\n(stubbed: {sorted(rewritten)})"
    assert ours == [], f"{output}\n(stubbed: {sorted(rewritten)})"
    assert rewritten <= {"/usr/bin/cage", "/usr/bin/foot", APP_BIN}


# ---------------------------------------------------------------- install.sh


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_install_script_is_shellcheck_clean() -> None:
    proc = subprocess.run(["shellcheck", str(INSTALL)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def test_install_script_is_strict_bash() -> None:
    text = INSTALL.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "\nset -euo pipefail\n" in text
    assert os.access(INSTALL, os.X_OK)


IGNORE = shutil.ignore_patterns(".git", ".venv", "var", "__pycache__", "*.egg-info",
                                ".pytest_cache", ".ruff_cache", ".hypothesis")


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A snapshot of the repository: others edit the working tree while tests run."""
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=IGNORE, symlinks=True)
    return src


def run_install(source: Path, root: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, KIOSK_PYTHON=sys.executable)
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run(
        ["bash", str(source / "systemd" / "install.sh"), "--root", str(root), "--no-venv", *args],
        capture_output=True, text=True, timeout=180, env=env,
    )


def listing(root: Path) -> list[tuple[str, str, str]]:
    """Every path under root with its type, mode and content hash or link target."""
    entries = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                what = "link -> " + os.readlink(path)
            elif stat.S_ISDIR(info.st_mode):
                what = "dir"
            else:
                what = hashlib.sha256(path.read_bytes()).hexdigest()
            entries.append((str(path.relative_to(root)), oct(info.st_mode & 0o7777), what))
    return sorted(entries)


def valid_config(root: Path) -> Path:
    """Fill in the example config the way office staff would (real PIN, own salt)."""
    from kiosk.privacy.pin import hash_pin

    path = root / "etc/antrian-kiosk/kiosk.toml"
    text = path.read_text()
    text = re.sub(r'^pin_hash = .*$', f'pin_hash = "{hash_pin("246813")}"', text, flags=re.M)
    text = re.sub(r'^nik_salt = .*$', 'nik_salt = "0123456789abcdef0123456789abcdef"', text,
                  flags=re.M)
    path.write_text(text)
    return path


def make_store(root: Path, tickets: int) -> Path:
    from kiosk import store
    from kiosk.queue.numbering import Numbering

    db_path = root / "var/lib/antrian-kiosk/kiosk.db"  # example-pi.toml's path, staged
    db = store.connect(db_path)
    numbering = Numbering(db, "KUP", "KUP-K1")
    for _ in range(tickets):
        numbering.take("A", date(2026, 11, 25), 60, utc_now())
    db.close()
    return db_path


def current(root: Path) -> str:
    return os.readlink(root / "opt/antrian-kiosk/current")


def test_install_into_a_staging_root_builds_the_tree(source: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    proc = run_install(source, root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    release = root / "opt/antrian-kiosk" / current(root)
    assert current(root).startswith("releases/0.")
    assert (release / "kiosk/cli/__init__.py").is_file()
    assert (release / "systemd/install.sh").is_file()
    for absent in (".git", ".venv", "var"):
        assert not (release / absent).exists(), absent
    config = root / "etc/antrian-kiosk/kiosk.toml"
    assert config.read_text() == (source / "config/example-pi.toml").read_text()
    assert stat.S_IMODE(config.stat().st_mode) == 0o640  # holds the PIN hash and the salt
    data = root / "var/lib/antrian-kiosk"
    assert (data / "backups").is_dir() and stat.S_IMODE(data.stat().st_mode) == 0o750
    # The secrets folder the units' LoadCredential= loads: there (or they would not
    # start) and root's alone.
    credentials = root / "etc/antrian-kiosk/credentials"
    assert credentials.is_dir() and stat.S_IMODE(credentials.stat().st_mode) == 0o700
    for name in UNITS:
        assert (root / "etc/systemd/system" / name).read_bytes() == \
            (source / "systemd" / name).read_bytes()
    rule = (root / "etc/udev/rules.d/60-antrian-kiosk-printer.rules").read_text()
    assert 'GROUP="lp"' in rule and "0701" in rule and '"0416"' in rule
    assert "pam_systemd.so" in (root / "etc/pam.d/antrian-kiosk").read_text()
    polkit = (root / "etc/polkit-1/rules.d/50-antrian-kiosk.rules").read_text()
    assert 'subject.user == "kiosk"' in polkit and "login1.power-off" in polkit
    # The example config still has placeholders: said plainly, the install goes on.
    assert "not accepted" in proc.stdout and "EDIT IT" in proc.stdout
    assert "would enable kiosk.service and kiosk-backup.timer" in proc.stdout


def test_second_run_changes_nothing(source: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    assert run_install(source, root).returncode == 0
    valid_config(root)
    make_store(root, 2)
    before = listing(root)
    again = run_install(source, root)
    assert again.returncode == 0, again.stdout + again.stderr
    assert listing(root) == before
    assert "nothing to switch" in again.stdout and "\n   installed " not in again.stdout


def test_config_is_never_overwritten(source: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    assert run_install(source, root).returncode == 0
    config = valid_config(root)
    edited = config.read_text()
    (source / "config/example-pi.toml").write_text("# a newer example\n")
    proc = run_install(source, root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert config.read_text() == edited and "never overwrites" in proc.stdout


def test_update_backs_up_checks_and_switches(source: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    assert run_install(source, root).returncode == 0
    old = current(root)
    valid_config(root)
    db_path = make_store(root, 3)
    (source / "README.md").write_text((source / "README.md").read_text() + "\nNew version.\n")
    proc = run_install(source, root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert current(root) != old
    assert os.readlink(root / "opt/antrian-kiosk/previous") == old
    backups = sorted((root / "var/lib/antrian-kiosk/backups").glob("pre-update-*.db"))
    assert len(backups) == 1
    conn = sqlite3.connect(backups[0])
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM tickets").fetchone()[0] == 3
    conn.close()
    assert "configuration OK" in proc.stdout and "passed its integrity check" in proc.stdout
    assert db_path.is_file()  # the live store is the app's to migrate, at its next start
    # A third version: the oldest release is removed, the previous one kept.
    (source / "README.md").write_text((source / "README.md").read_text() + "\nNewer.\n")
    assert run_install(source, root).returncode == 0
    releases = sorted(p.name for p in (root / "opt/antrian-kiosk/releases").iterdir())
    assert len(releases) == 2 and old.split("/")[1] not in releases


def test_failed_migration_dry_run_keeps_the_old_version(source: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    assert run_install(source, root).returncode == 0
    old = current(root)
    valid_config(root)
    db_path = make_store(root, 4)
    # a new version with a bad migration
    with (source / "kiosk/store/__init__.py").open("a") as module:
        module.write("\n\ndef _broken(db):\n    raise RuntimeError('the newest migration breaks')"
                     "\n\n\nMIGRATIONS.append(_broken)\n")
    proc = run_install(source, root)
    assert proc.returncode != 0
    assert "NOT made" in proc.stderr and "could not migrate" in proc.stderr
    assert "the newest migration breaks" in proc.stderr and "keeps running" in proc.stderr
    assert current(root) == old
    assert sorted((root / "opt/antrian-kiosk/releases").iterdir()) == \
        [root / "opt/antrian-kiosk" / old]
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(store.MIGRATIONS)
    assert conn.execute("SELECT count(*) FROM tickets").fetchone()[0] == 4
    conn.close()


def test_update_refused_when_the_new_version_rejects_the_config(
        source: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    assert run_install(source, root).returncode == 0  # first install: placeholders accepted
    old = current(root)
    (source / "README.md").write_text("changed\n")
    proc = run_install(source, root)
    assert proc.returncode != 0
    assert "configuration is not accepted" in proc.stderr and "pin_hash" in proc.stderr
    assert current(root) == old


def test_uninstall_keeps_data_and_config(source: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    assert run_install(source, root).returncode == 0
    valid_config(root)
    db_path = make_store(root, 1)
    proc = run_install(source, root, "--uninstall")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not (root / "opt/antrian-kiosk").exists()
    for name in UNITS:
        assert not (root / "etc/systemd/system" / name).exists()
    assert not (root / "etc/udev/rules.d/60-antrian-kiosk-printer.rules").exists()
    assert not (root / "etc/pam.d/antrian-kiosk").exists()
    assert not (root / "etc/polkit-1/rules.d/50-antrian-kiosk.rules").exists()
    assert db_path.is_file() and (root / "etc/antrian-kiosk/kiosk.toml").is_file()
    assert "Kept" in proc.stdout
    again = run_install(source, root)  # reinstalling picks the kept config up
    assert again.returncode == 0 and "kept your" in again.stdout


def test_install_script_refuses_bad_options(source: Path, tmp_path: Path) -> None:
    proc = run_install(source, tmp_path / "root", "--display", "hdmi")
    assert proc.returncode != 0 and "cage, tty, board or survey" in proc.stderr
    relative = subprocess.run(["bash", str(source / "systemd/install.sh"), "--root", "rel"],
                              capture_output=True, text=True)
    assert relative.returncode != 0 and "absolute" in relative.stderr
