"""`kiosk call | recall | served | board | counter | serve-api | api-token`."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from kiosk.cli import calling as cli_calling
from kiosk.cli import main as kiosk_main
from kiosk.clock import utc_now
from kiosk.config import Config, load_config
from kiosk.queue.calling_view import calling_service
from kiosk.queue.numbering import Numbering
from kiosk.web.bearer import hash_token
from tests.conftest import ROOT, SIM_CONFIG


@pytest.fixture
def cfg_file(tmp_path: Path) -> Path:
    """The simulation config with its own store, for `python -m` runs and in-process ones."""
    text = SIM_CONFIG.read_text(encoding="utf-8").replace(
        'database = "../var/kiosk.db"', f'database = "{tmp_path / "kiosk.db"}"')
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def cfg(cfg_file: Path) -> Config:
    return load_config(cfg_file)


def issue(cfg: Config, lanes: str) -> None:
    from kiosk import store

    db = store.connect(cfg.database)
    try:
        day = calling_service(cfg, db, utc_now).today()
        numbering = Numbering(db, cfg.office.code, "KUP-SIM1")
        for lane in lanes:
            numbering.take(lane, day, None, utc_now())
    finally:
        db.close()


def run(cfg_file: Path, *argv: str) -> int:
    return kiosk_main(["--config", str(cfg_file), *argv])


def test_call_recall_served_print_the_label(cfg_file, cfg, capsys) -> None:
    issue(cfg, "AP")
    assert run(cfg_file, "call", "--counter", "1") == 0
    assert capsys.readouterr().out == "P001\n"
    assert run(cfg_file, "recall", "--counter", "1") == 0
    assert capsys.readouterr().out == "P001\n"
    assert run(cfg_file, "served", "--counter", "1") == 0
    assert capsys.readouterr().out == "P001\n"
    assert run(cfg_file, "call", "--counter", "2", "--label", "a001") == 0
    assert capsys.readouterr().out == "A001\n"


def test_nothing_to_do_is_a_message_and_a_non_zero_exit(cfg_file, cfg, capsys) -> None:
    assert run(cfg_file, "call", "--counter", "1") == cli_calling.EXIT_NOTHING
    assert "Tidak ada yang menunggu" in capsys.readouterr().err
    for command in ("recall", "served"):
        assert run(cfg_file, command, "--counter", "2") == cli_calling.EXIT_NOTHING
        assert "belum memanggil" in capsys.readouterr().err
    issue(cfg, "A")
    assert run(cfg_file, "call", "--counter", "3", "--label", "A001") == cli_calling.EXIT_NOTHING
    assert "tidak melayani" in capsys.readouterr().err
    assert run(cfg_file, "call", "--counter", "7") == cli_calling.EXIT_USAGE
    assert "Loket 7 tidak ada" in capsys.readouterr().err


def test_dispatch_leaves_other_commands_alone(cfg) -> None:
    assert cli_calling.dispatch(argparse.Namespace(command="issue"), cfg) is None


def test_board_and_counter_start_their_apps_as_programs(cfg, monkeypatch) -> None:
    started = []
    monkeypatch.setattr(os, "execve", lambda path, argv, env: started.append((argv, env)))
    parser = argparse.ArgumentParser()
    cli_calling.register(parser.add_subparsers(dest="command"))

    assert cli_calling.dispatch(parser.parse_args(["board"]), cfg) == 0
    argv, _ = started.pop()
    assert argv[1:] == ["-m", "screens.board", "--config", str(cfg.path.resolve())]

    args = parser.parse_args(["counter", "--counter", "3", "--token", "loket3-demo"])
    assert cli_calling.dispatch(args, cfg) == 0
    argv, env = started.pop()
    assert argv[1:] == ["-m", "screens.counter_client", "--counter", "3", "--url",
                        "http://127.0.0.1:8470"]
    assert env[cli_calling.TOKEN_ENV] == "loket3-demo"
    assert "loket3-demo" not in argv  # tokens on a command line show up in `ps`

    pi = dataclasses.replace(cfg, lan_api=dataclasses.replace(cfg.lan_api, host="0.0.0.0"))
    cli_calling.dispatch(parser.parse_args(["counter", "--counter", "1", "--url",
                                            "http://kiosk:8470"]), pi)
    assert started.pop()[0][-1] == "http://kiosk:8470"


def test_api_token_prints_a_token_and_its_hash(cfg_file, capsys) -> None:
    assert run(cfg_file, "api-token", "--counter", "4") == 0
    lines = capsys.readouterr().out.splitlines()
    token = lines[1].strip()
    assert lines[-1].strip() == f'token_hash = "{hash_token(token)}"'


def test_serve_api_runs_in_the_foreground(cfg_file, cfg) -> None:
    issue(cfg, "A")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "--config", str(cfg_file), "serve-api",
         "--listen", "127.0.0.1:0"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        assert first.startswith("LAN API: http://127.0.0.1:"), proc.stderr.read()
        url = first.split()[2]
        request = urllib.request.Request(f"{url}/api/v1/counters/1/next", data=b"",
                                         headers={"Authorization": "Bearer loket1-demo"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.loads(response.read())["ticket"]["label"] == "A001"
        assert proc.stdout.readline().strip() == "A001 -> loket 1"
        proc.terminate()
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_api_refuses_a_bad_listen(cfg_file, capsys) -> None:
    assert run(cfg_file, "serve-api", "--listen", "nowhere") == cli_calling.EXIT_USAGE
    assert "--listen" in capsys.readouterr().err
