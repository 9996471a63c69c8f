"""Secrets off the config file (issue 16, finding 5): the NIK key and the hub token read
from files only the service can read, the doctor's warnings, and no database that
holds the key its NIK hashes need (the hub seals the offices' keys under its own)."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.doctor.diagnosis import diagnose
from kiosk.doctor.report import rendered
from kiosk.doctor.secret_checks import secrets_check
from kiosk.hub.errors import HubError
from kiosk.hub.store import HubStore
from kiosk.privacy.nik import hash_nik
from tests.conftest import ROOT, SIM_CONFIG
from tests.sync_harness import HUB_KEY, SALT_HEX, Hub
from tests.test_sync_pull import Kiosk, import_rows, row

SALT = bytes.fromhex(SALT_HEX)
INLINE_SALT = f'nik_salt = "{SALT_HEX}"'


def secret_file(folder: Path, name: str, text: str, mode: int = 0o600) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text + "\n", encoding="utf-8")
    path.chmod(mode)
    return path


def kiosk_config(tmp_path: Path, salt_line: str = INLINE_SALT, extra: str = "",
                 mode: int = 0o600) -> Path:
    text = SIM_CONFIG.read_text(encoding="utf-8")
    assert INLINE_SALT in text
    text = text.replace(INLINE_SALT, salt_line)
    for old, new in {'"../var/kiosk.db"': f'"{tmp_path / "kiosk.db"}"',
                     '"../var/tickets.bin"': f'"{tmp_path / "tickets.bin"}"',
                     '"../var/camera"': f'"{tmp_path / "camera"}"'}.items():
        text = text.replace(old, new)
    path = tmp_path / "kiosk.toml"
    path.write_text(text + "\n" + extra, encoding="utf-8")
    path.chmod(mode)
    return path


def text_of(found, language: str) -> str:
    shown = rendered(type("O", (), {"result": found, "seconds": 0.0})(), language)
    return f"{shown['message']} {shown['fix']}"


# -- the config reads secrets from files ---------------------------------------------------


def test_the_nik_key_and_hub_token_come_from_files(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    creds = tmp_path / "credentials"
    salt = secret_file(creds, "nik_salt", SALT_HEX)
    token = secret_file(creds, "hub_token", "t" * 43)
    config = load_config(kiosk_config(
        tmp_path, f'nik_salt_file = "{salt}"',
        '[sync]\nhub_url = "https://hub.example"\ntoken_file = "credentials/hub_token"\n'))
    assert config.checkin.nik_salt == SALT and config.checkin.nik_salt_file == salt
    assert config.sync.token == "t" * 43 and config.sync.token_file == token


def test_systemds_private_copy_wins_over_the_named_file(tmp_path: Path, monkeypatch) -> None:
    # Under systemd the service cannot read /etc/.../nik_salt itself, only the copy
    # LoadCredential=kiosk:<folder> made as $CREDENTIALS_DIRECTORY/kiosk_nik_salt.
    other = "0123456789abcdef0123456789abcdef"
    named = tmp_path / "etc" / "nik_salt"  # does not exist for this user
    secret_file(tmp_path / "run", "kiosk_nik_salt", other)
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path / "run"))
    config = load_config(kiosk_config(tmp_path, f'nik_salt_file = "{named}"'))
    assert config.checkin.nik_salt == bytes.fromhex(other)


def test_a_bad_secret_file_names_the_key_and_the_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    missing = tmp_path / "nope"
    cases = [(f'nik_salt_file = "{missing}"', "checkin.nik_salt_file", "does not exist"),
             (f'nik_salt_file = "{secret_file(tmp_path, "short", "abcd")}"',
              "checkin.nik_salt_file", "at least 32 hex digits"),
             (f'nik_salt_file = "{secret_file(tmp_path, "empty", "")}"',
              "checkin.nik_salt_file", "is empty"),
             (f'{INLINE_SALT}\nnik_salt_file = "{secret_file(tmp_path, "s", SALT_HEX)}"',
              "checkin.nik_salt", "keep the secret in one place")]
    for line, key, words in cases:
        with pytest.raises(ConfigError) as caught:
            load_config(kiosk_config(tmp_path, line))
        assert f"key '{key}'" in str(caught.value) and words in str(caught.value)
        assert SALT_HEX not in str(caught.value)  # the secret never shows in an error


# -- the doctor ----------------------------------------------------------------------------


def real_office(config, **changes):
    return dataclasses.replace(config, simulation=False, **changes)


def test_doctor_warns_of_a_secret_in_a_real_offices_config(tmp_path: Path) -> None:
    config = load_config(kiosk_config(tmp_path))
    assert secrets_check(config).status == "pass"  # a demo may keep its demo salt inline
    found = secrets_check(real_office(config))
    assert found.status == "warn" and found.values["keys"] == "checkin.nik_salt"
    indonesian, english = text_of(found, "id"), text_of(found, "en")
    assert "Pindahkan" in indonesian and "nik_salt_file" in indonesian
    assert "Move each secret" in english and "LoadCredential" in english


def test_doctor_warns_of_secret_files_and_a_config_others_can_read(tmp_path: Path,
                                                                    monkeypatch) -> None:
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    salt = secret_file(tmp_path / "credentials", "nik_salt", SALT_HEX, mode=0o644)
    config = real_office(load_config(kiosk_config(tmp_path, f'nik_salt_file = "{salt}"')))
    found = secrets_check(config)
    assert found.status == "warn" and found.message == "doctor.secrets.file_open"
    assert f"chmod 600 {salt}" in text_of(found, "en") and "0644" in text_of(found, "id")
    salt.chmod(0o640)  # group-readable is too wide for a secret file too
    assert secrets_check(config).message == "doctor.secrets.file_open"
    salt.chmod(0o600)
    assert secrets_check(config).status == "pass"
    config.path.chmod(0o644)
    found = secrets_check(config)
    assert found.status == "warn" and found.message == "doctor.secrets.config_open"
    assert "chmod 640" in text_of(found, "en") and "Jalankan" in text_of(found, "id")
    config.path.chmod(0o600)
    assert secrets_check(config).status == "pass"


def test_kiosk_doctor_runs_the_secrets_check(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    salt = secret_file(tmp_path / "credentials", "nik_salt", SALT_HEX, mode=0o604)
    _, outcomes = diagnose(kiosk_config(tmp_path, f'nik_salt_file = "{salt}"'),
                           lambda config: [], only=["secrets"])
    shown = rendered(outcomes[-1], "en")
    assert shown["name"] == "secrets" and shown["status"] == "warn", shown
    assert str(salt) in shown["message"]


# -- no database alone holds the NIK key ----------------------------------------------------


def database_bytes(path: Path) -> bytes:
    data = b""
    for part in (path, path.with_name(path.name + "-wal")):
        if part.exists():
            data += part.read_bytes()
    return data


def assert_no_key(data: bytes) -> None:
    assert data, "nothing read"
    for form in (SALT, SALT_HEX.encode(), SALT_HEX.upper().encode()):
        assert form not in data


def test_neither_the_hub_nor_the_kiosk_database_holds_the_nik_key(
        tmp_path: Path, config, clock) -> None:
    hub = Hub(tmp_path / "hub.db")
    kiosk = Kiosk(config, hub, "KUP-K1", clock, tmp_path)
    try:
        assert import_rows(hub, row("AAA111"), row("BBB222"))["added"] == 2
        assert kiosk.sync().bookings == 2
        hashed = hash_nik("5371014405900003", SALT)
        assert hashed.encode() in database_bytes(tmp_path / "KUP-K1.db")  # what it does keep
        assert_no_key(database_bytes(tmp_path / "hub.db"))
        assert_no_key(database_bytes(tmp_path / "KUP-K1.db"))
    finally:
        kiosk.close()
        hub.close()
    # Without the hub key the salt cannot be opened; with another key neither.
    assert HubStore.open(tmp_path / "hub.db", HUB_KEY).settings("KUP")[2] == SALT
    with pytest.raises(HubError) as caught:
        HubStore.open(tmp_path / "hub.db").settings("KUP")
    assert caught.value.code == "no_hub_key"
    with pytest.raises(HubError) as caught:
        HubStore.open(tmp_path / "hub.db", bytes(32)).settings("KUP")
    assert caught.value.code == "wrong_hub_key"


def test_a_sealed_salt_cannot_be_moved_to_another_office(tmp_path: Path) -> None:
    store = HubStore.open(tmp_path / "hub.db", HUB_KEY)
    store.add_office("KUP", "Kupang", "Asia/Makassar", SALT)
    store.add_office("PLB", "Palembang", "Asia/Jakarta", bytes(range(16)))
    conn = sqlite3.connect(tmp_path / "hub.db")
    with conn:
        sealed = conn.execute("SELECT nik_salt FROM offices WHERE code = 'KUP'").fetchone()[0]
        conn.execute("UPDATE offices SET nik_salt = ? WHERE code = 'PLB'", (sealed,))
    conn.close()
    with pytest.raises(HubError):
        store.settings("PLB")


def test_a_hub_store_from_before_sealing_is_sealed_on_open(tmp_path: Path) -> None:
    store = HubStore.open(tmp_path / "hub.db")
    store.add_office("KUP", "Kupang", "Asia/Makassar")
    store.close()
    conn = sqlite3.connect(tmp_path / "hub.db")
    with conn:  # as an older hub stored it: the key in clear
        conn.execute("UPDATE offices SET nik_salt = ? WHERE code = 'KUP'", (SALT_HEX,))
    conn.close()
    assert HubStore.open(tmp_path / "hub.db").settings("KUP")[2] == SALT  # still readable
    reopened = HubStore.open(tmp_path / "hub.db", HUB_KEY)
    assert reopened.settings("KUP")[2] == SALT
    reopened.close()
    assert_no_key(database_bytes(tmp_path / "hub.db"))


def test_hub_cli_takes_the_salt_from_a_file(tmp_path: Path, capsys, monkeypatch) -> None:
    from kiosk.cli import main

    key = secret_file(tmp_path, "hub_key", HUB_KEY.hex())
    salt = secret_file(tmp_path, "nik_salt", SALT_HEX)
    db = str(tmp_path / "hub.db")
    monkeypatch.delenv("KIOSK_HUB_KEY_FILE", raising=False)
    args = ["hub", "add-office", "KUP", "--db", db, "--name", "Kupang",
            "--timezone", "Asia/Makassar", "--nik-salt-file", str(salt)]
    assert main(args) == 2  # no hub key: the salt is refused, not stored in clear
    assert "--key-file" in capsys.readouterr().err
    assert main([*args, "--key-file", str(key)]) == 0
    assert HubStore.open(db, HUB_KEY).settings("KUP")[2] == SALT
    assert main(["hub", "status", "--db", db, "--json", "--key-file", str(key)]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])[0]["code"] == "KUP"


def test_make_qr_warns_of_a_signing_key_others_can_read(tmp_path: Path, capsys) -> None:
    from kiosk.cli import main

    key = secret_file(tmp_path, "booking_key",
                      (ROOT / "config" / "demo-booking-key.txt").read_text().strip(), 0o644)
    args = ["--config", str(kiosk_config(tmp_path)), "bookings", "make-qr", "--out",
            str(tmp_path / "qr"), "--count", "1", "--day", "2026-11-25", "--private-key",
            str(key)]
    assert main(args) == 0
    assert f"chmod 600 {key}" in capsys.readouterr().err
    key.chmod(0o600)
    assert main(args) == 0
    assert "warning" not in capsys.readouterr().err


def test_the_gateway_token_comes_from_a_file_too(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    token = secret_file(tmp_path / "credentials", "notify_token", "g" * 40)
    config = load_config(kiosk_config(tmp_path, extra=f'[notify]\ntoken_file = "{token}"\n'))
    assert config.notify.token == "g" * 40 and config.notify.token_file == token
    assert secrets_check(real_office(config)).values["keys"] == "checkin.nik_salt"
    salt = secret_file(tmp_path, "nik_salt", SALT_HEX)
    inline = load_config(kiosk_config(tmp_path, f'nik_salt_file = "{salt}"',
                                      '[notify]\ntoken = "gggggggggggggggg"\n'))
    found = secrets_check(real_office(inline))
    assert found.status == "warn" and found.values["keys"] == "notify.token"
