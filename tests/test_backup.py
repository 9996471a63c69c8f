"""Online backups are consistent while the kiosk writes; restore puts one back safely."""

from __future__ import annotations

import argparse
import sqlite3
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from kiosk import store
from kiosk.cli import admin as cli_admin
from kiosk.ops import backup
from kiosk.queue.numbering import Numbering, Ticket
from tests.conftest import office_time

DAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 22, 0).astimezone()


def issue(db, count: int, lane: str = "A") -> None:
    numbering = Numbering(db, "KUP", "KUP-K1")
    for _ in range(count):
        assert isinstance(numbering.take(lane, DAY, None, office_time("2026-11-25 09:00")), Ticket)


def ticket_numbers(path: Path) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT number FROM tickets ORDER BY number")]
    finally:
        conn.close()


def test_backup_while_another_connection_is_writing_is_a_consistent_snapshot(
        tmp_path: Path) -> None:
    db_path = tmp_path / "kiosk.db"
    store.connect(db_path).close()
    stop = threading.Event()
    written = []

    def writer() -> None:
        db = store.connect(db_path)
        numbering = Numbering(db, "KUP", "KUP-K1")
        now = office_time("2026-11-25 09:00")
        while not stop.is_set():
            written.append(numbering.take("A", DAY, None, now).number)
        db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        snapshots = []
        for i in range(5):
            while len(written) < 20 * (i + 1):
                threading.Event().wait(0.005)
            made = backup.backup_store(db_path, tmp_path / "b", now=NOW + timedelta(days=i))
            assert backup.integrity(made) == "ok"
            snapshots.append(made)
    finally:
        stop.set()
        thread.join()
    assert len(written) >= 100
    for made in snapshots:
        numbers = ticket_numbers(made)
        assert numbers == list(range(1, len(numbers) + 1))  # a snapshot, never half a commit
        conn = sqlite3.connect(made)
        events = conn.execute("SELECT count(*) FROM events WHERE kind = 'issued'").fetchone()[0]
        conn.close()
        assert events == len(numbers)
        assert not made.with_name(made.name + "-wal").exists()  # self-contained file
    assert len(ticket_numbers(snapshots[-1])) > len(ticket_numbers(snapshots[0]))


def test_backup_names_the_day_and_replaces_the_same_days_copy(tmp_path: Path, db) -> None:
    issue(db, 3)
    db_path = Path(db.conn.execute("PRAGMA database_list").fetchone()[2])
    first = backup.backup_store(db_path, tmp_path / "b", now=NOW)
    assert first.name == "kiosk-2026-11-25.db"
    issue(db, 2)
    second = backup.backup_store(db_path, tmp_path / "b", now=NOW)
    assert second == first and ticket_numbers(second) == [1, 2, 3, 4, 5]
    assert [p.name for p in (tmp_path / "b").iterdir()] == [first.name]  # no partial left over


def test_pruning_keeps_the_last_n_days_and_nothing_else_is_touched(tmp_path: Path, db) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    for back in range(1, 21):
        (folder / backup.backup_name(NOW.date() - timedelta(days=back))).write_bytes(b"old")
    (folder / "notes.txt").write_text("staff notes")
    (folder / "pre-update-0.1.0.db").write_bytes(b"kept")
    db_path = Path(db.conn.execute("PRAGMA database_list").fetchone()[2])
    backup.backup_store(db_path, folder, keep_days=14, now=NOW)
    dated = backup.list_backups(folder)
    assert len(dated) == 14
    assert dated[0].name == backup.backup_name(NOW.date() - timedelta(days=13))
    assert dated[-1].name == backup.backup_name(NOW.date())
    assert (folder / "notes.txt").exists() and (folder / "pre-update-0.1.0.db").exists()


def test_a_clock_years_ahead_does_not_wipe_the_backups(tmp_path: Path, db) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    for back in range(5):
        (folder / backup.backup_name(NOW.date() - timedelta(days=back))).write_bytes(b"old")
    db_path = Path(db.conn.execute("PRAGMA database_list").fetchone()[2])
    backup.backup_store(db_path, folder, keep_days=3, now=NOW + timedelta(days=3650))
    dated = [p.name for p in backup.list_backups(folder)]
    assert len(dated) == 3  # the newest three, though all but one are "ten years old"
    assert dated[:2] == [backup.backup_name(NOW.date() - timedelta(days=d)) for d in (1, 0)]


def test_restore_round_trip_keeps_the_replaced_store_aside(tmp_path: Path) -> None:
    db_path = tmp_path / "kiosk.db"
    db = store.connect(db_path)
    issue(db, 4)
    made = backup.backup_store(db_path, tmp_path / "b", now=NOW)
    issue(db, 3)  # after the backup: gone after the restore, kept in the aside copy
    db.close()
    aside = backup.restore_store(made, db_path, now=NOW)
    assert aside is not None and aside.name == "kiosk.db.before-restore-" + \
        NOW.strftime("%Y%m%dT%H%M%S")
    assert ticket_numbers(aside) == list(range(1, 8))
    reopened = store.connect(db_path)
    assert reopened.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert reopened.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    issue(reopened, 1)
    assert [r[0] for r in reopened.execute("SELECT number FROM tickets ORDER BY number")] == \
        [1, 2, 3, 4, 5]
    reopened.close()


def test_restore_is_refused_while_the_store_is_open_elsewhere(tmp_path: Path) -> None:
    db_path = tmp_path / "kiosk.db"
    db = store.connect(db_path)
    issue(db, 2)
    made = backup.backup_store(db_path, tmp_path / "b", now=NOW)
    issue(db, 1)
    with pytest.raises(backup.StoreInUse, match="systemctl stop kiosk"):
        backup.restore_store(made, db_path)  # the kiosk is idle but has the store open
    assert [r[0] for r in db.execute("SELECT number FROM tickets")] == [1, 2, 3]
    issue(db, 1)  # and it keeps working
    db.close()


def test_restore_refuses_a_damaged_backup_and_leaves_the_store_alone(tmp_path: Path) -> None:
    db_path = tmp_path / "kiosk.db"
    db = store.connect(db_path)
    issue(db, 2)
    db.close()
    bad = tmp_path / "kiosk-2026-11-24.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(backup.BackupError, match="not a sound backup"):
        backup.restore_store(bad, db_path)
    with pytest.raises(backup.BackupError, match="no backup file"):
        backup.restore_store(tmp_path / "missing.db", db_path)
    assert ticket_numbers(db_path) == [1, 2]


def test_migrate_copy_upgrades_an_old_store_copy_only(tmp_path: Path) -> None:
    """The updater's dry run: migrate a copy of a version-1 store with this code."""
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old, isolation_level=None)
    raw = sqlite_utils.Database(conn)
    store.MIGRATIONS[0](raw)
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    copy = tmp_path / "copy.db"
    copy.write_bytes(old.read_bytes())
    assert backup.migrate_copy(copy) == len(store.MIGRATIONS)
    check = sqlite3.connect(old)
    assert check.execute("PRAGMA user_version").fetchone()[0] == 1
    check.close()


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kiosk")
    cli_admin.register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_cli_backup_before_the_first_ticket_is_not_a_failure(config, capsys) -> None:
    assert cli_admin.dispatch(parse(["backup"]), config) == 0
    assert "nothing to back up" in capsys.readouterr().out
    assert not config.database.exists()


def test_cli_backup_and_restore(tmp_path: Path, config, capsys) -> None:
    db = store.connect(config.database)
    issue(db, 2)
    assert cli_admin.dispatch(parse(["backup"]), config) == 0
    made = backup.list_backups(cli_admin.default_backup_dir(config))
    assert len(made) == 1 and str(made[0]) in capsys.readouterr().out
    assert cli_admin.dispatch(parse(["restore", str(made[0])]), config) == cli_admin.EXIT_REFUSED
    assert "systemctl stop kiosk" in capsys.readouterr().err
    issue(db, 1)
    db.close()
    assert cli_admin.dispatch(parse(["restore", str(made[0])]), config) == 0
    assert "before-restore" in capsys.readouterr().out
    assert ticket_numbers(config.database) == [1, 2]
    assert cli_admin.dispatch(parse(["backup", "--dir", str(tmp_path / "x"), "--keep-days",
                                     "0"]), config) == cli_admin.EXIT_FAILED
    assert cli_admin.dispatch(argparse.Namespace(command="run"), config) is None
