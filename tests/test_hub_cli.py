"""`kiosk hub ...` and `kiosk sync ...` as staff and the systemd unit run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from kiosk.cli import _parser, main
from kiosk.config import ConfigError, load_config
from kiosk.hub.app import create_app
from kiosk.hub.store import HubStore
from kiosk.sync.event_payloads import MAX_STAGE_CHARS
from kiosk.sync.protocol import PREFIX, PROTOCOL_VERSION, SUPPORTED
from tests.conftest import ROOT, SIM_CONFIG
from tests.sync_harness import HUB_KEY, SALT_HEX
from tests.tcp_printer import free_port


def kiosk_config(tmp_path: Path, sync: str = "") -> Path:
    text = SIM_CONFIG.read_text(encoding="utf-8")
    text = text.replace('"../var/kiosk.db"', f'"{tmp_path / "kiosk.db"}"')
    text = text.replace('"../var/tickets.bin"', f'"{tmp_path / "tickets.bin"}"')
    text = text.replace('"../var/camera"', f'"{tmp_path / "camera"}"')
    path = tmp_path / "kiosk.toml"
    path.write_text(text + "\n" + sync, encoding="utf-8")
    return path


def test_sync_config_is_optional_and_checked(tmp_path: Path) -> None:
    assert not load_config(kiosk_config(tmp_path)).sync.enabled
    good = load_config(kiosk_config(tmp_path, '[sync]\nhub_url = "https://hub.example:8480/"\n'
                                    'token = "abcdefghijklmnopqrstuvwxyz"\nleases = true\n'))
    assert good.sync.enabled and good.sync.hub_url == "https://hub.example:8480"
    assert good.sync.leases and good.sync.interval_s == 30
    for table, words in (('hub_url = "ftp://x"\ntoken = "abcdefghijklmnopqrstu"',
                          "key 'sync.hub_url': expected the hub address"),
                         ('hub_url = "http://hub:8480"', "key 'sync.token'"),
                         ('hub_url = "http://hub:8480"\ntoken = "short"', "kiosk hub token"),
                         ('hub_url = "http://h"\ntoken = "abcdefghijklmnopqrstu"\nevery = 3',
                          "key 'sync.every'")):
        with pytest.raises(ConfigError) as caught:
            load_config(kiosk_config(tmp_path, f"[sync]\n{table}\n"))
        assert words in str(caught.value)


def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "hub_key"
    path.write_text(HUB_KEY.hex() + "\n")
    path.chmod(0o600)
    return path


def test_hub_admin_commands(tmp_path: Path, capsys, monkeypatch) -> None:
    db = str(tmp_path / "hub.db")
    monkeypatch.setenv("KIOSK_HUB_KEY_FILE", str(key_file(tmp_path)))
    assert main(["hub", "add-office", "KUP", "--db", db, "--name", "Kupang",
                 "--timezone", "Asia/Makassar", "--nik-salt", SALT_HEX]) == 0
    assert main(["hub", "token", "--db", db, "--office", "KUP", "--device", "kup-k1"]) == 0
    out, err = capsys.readouterr()
    token = out.strip().splitlines()[-1]
    assert len(token) >= 40 and "[sync] token" in err
    assert HubStore.open(db, HUB_KEY).identify(token).device_id == "KUP-K1"
    settings = tmp_path / "settings.json"
    settings.write_text('{"caps": {"A": 40}, "holidays": ["2026-12-25"]}')
    assert main(["hub", "settings", "KUP", "--db", db, "--file", str(settings)]) == 0
    assert '"A": 40' in capsys.readouterr().out
    settings.write_text('{"caps": {"A": -1}}')
    assert main(["hub", "settings", "KUP", "--db", db, "--file", str(settings)]) == 2
    assert "key 'caps.A'" in capsys.readouterr().err
    bookings = tmp_path / "b.json"
    bookings.write_text(json.dumps([{"code": "CLI0001", "office": "KUP", "date": "2026-11-25",
                                     "slot_start": "09:00", "slot_end": "10:00",
                                     "applicants": [{"nickname": "Budi",
                                                     "nik": "5371014405900003"}]}]))
    assert main(["hub", "import", "KUP", str(bookings), "--db", db]) == 0
    assert "1 added" in capsys.readouterr().out
    assert main(["hub", "token", "--db", db, "--office", "XYZ", "--device", "XYZ-1"]) == 2
    assert "no office XYZ" in capsys.readouterr().err
    assert main(["hub", "status", "--db", db]) == 0
    assert "KUP-K1" in capsys.readouterr().out


def test_kiosk_sync_once_and_status_against_a_served_hub(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "hub.db")
    store = HubStore.open(db, HUB_KEY)
    store.add_office("KUP", "Kupang", "Asia/Makassar", bytes.fromhex(SALT_HEX))
    token = store.add_token("kiosk", "KUP", "KUP-SIM1")
    store.close()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("KIOSK_HUB_KEY_FILE",
                                                            "CREDENTIALS_DIRECTORY")}
    keyless = subprocess.run([sys.executable, "-m", "kiosk.cli", "hub", "serve", "--db", db,
                              "--listen", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
    assert keyless.returncode == 2 and "hub key missing" in keyless.stderr
    server = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "hub", "serve", "--db", db,
                               "--listen", f"127.0.0.1:{port}", "--key-file",
                               str(key_file(tmp_path))], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(url + PREFIX + "/health").json()["status"] == "ok":
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        config = kiosk_config(tmp_path, f'[sync]\nhub_url = "{url}"\ntoken = "{token}"\n')
        assert main(["--config", str(config), "issue", "walkin"]) == 0
        capsys.readouterr()
        assert main(["--config", str(config), "sync", "--once"]) == 0
        assert "events pushed" in capsys.readouterr().out
        assert main(["--config", str(config), "sync", "status", "--json"]) == 0
        status = json.loads(capsys.readouterr().out)
        assert status["online"] and status["pending_events"] == 0 and not status["last_error"]
    finally:
        server.terminate()
        server.wait(10)
    # The hub is gone: a clear failure, nothing lost.
    assert main(["--config", str(config), "issue", "walkin"]) == 0
    assert main(["--config", str(config), "sync", "--once"]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the hub" in err and "Nothing is lost" in err
    assert main(["--config", str(config), "sync", "status"]) == 0
    out = capsys.readouterr().out
    assert "OFFLINE" in out and "events waiting: " in out and "last error:" in out
    assert main(["--config", str(kiosk_config(tmp_path)), "sync", "--once"]) == 2
    assert "no hub" in capsys.readouterr().err


def test_the_hub_unit_runs_an_existing_command() -> None:
    unit = (ROOT / "systemd" / "kiosk-hub.service").read_text()
    exec_start = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    argv = exec_start.split("=", 1)[1].split()[1:]
    args = _parser().parse_args(argv)
    assert (args.command, args.hub_command, args.listen) == ("hub", "serve", "0.0.0.0:8480")
    assert "kiosk-hub.service" in (ROOT / "systemd" / "install.sh").read_text()


def test_the_openapi_document_lists_every_hub_route() -> None:
    spec = json.loads((ROOT / "docs" / "sync-openapi.json").read_text())
    assert spec["openapi"].startswith("3.") and spec["info"]["version"] == str(PROTOCOL_VERSION)
    versions = {json.dumps(s["properties"]["protocol"]["enum"])
                for s in spec["components"]["schemas"].values()
                if "protocol" in s.get("properties", {})}
    assert versions == {json.dumps(list(SUPPORTED))}
    stages = spec["components"]["schemas"]["SentPayload"]["properties"]["to"]
    assert stages["maxLength"] == MAX_STAGE_CHARS
    app = create_app(HubStore.open(":memory:"))
    routes = {(r.path, m.lower()) for r in app.routes for m in r.methods if m != "HEAD"}
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops
                  if method in ("get", "post", "put")}
    assert routes == documented


def test_the_hub_store_reuses_connections_across_threads(tmp_path: Path) -> None:
    store = HubStore.open(tmp_path / "hub.db")
    store.add_office("KUP", "Kupang", "Asia/Makassar")
    for _ in range(30):  # threads come and go, as the server's pool does
        thread = threading.Thread(target=lambda: store.settings("KUP"))
        thread.start()
        thread.join()
    assert len(store._conns) == 1
    store.close()
