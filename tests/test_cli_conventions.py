"""CLI conventions: global options anywhere, and only the exit codes README.md lists.

No test here issues a walk-in, so none depends on today's date or the machine's clock.
"""

from __future__ import annotations

import ast
import re

import pytest

from kiosk import cli
from tests.conftest import ROOT
from tests.test_cli import kiosk, make_config

CLI_MODULES = sorted((ROOT / "kiosk" / "cli").glob("*.py")) + [
    ROOT / "screens" / "board.py", ROOT / "screens" / "counter_client.py",  # `kiosk board|counter`
    ROOT / "screens" / "survey.py"]  # `kiosk survey`


def documented_exit_codes() -> dict[int, str]:
    """The rows of README.md's exit-code table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("Exit codes", 1)[1].split("\n\n", 2)[1]
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", section, flags=re.MULTILINE)
    return {int(code): meaning for code, meaning in rows}


@pytest.mark.parametrize("command", [
    ["issue", "walkin"], ["status", "--json"], ["check-config"], ["sync", "status"],
    ["sync", "--once"], ["hub", "serve", "--db", "x.db"], ["hub", "status"],
    ["bookings", "import", "f.json"], ["bookings", "make-qr"], ["report", "--date", "2026-11-25"],
    ["doctor", "--json"], ["call", "--counter", "1"], ["backup"], ["run"],
    ["survey", "--mode", "quick"],
])
def test_global_options_before_or_after_the_command(command: list[str]) -> None:
    parser = cli._parser()
    before = parser.parse_args(["--config", "F.toml", "--lang", "en", *command])
    after = parser.parse_args([*command, "--config", "F.toml", "--lang", "en"])
    # Between a command and its sub-command too (`kiosk sync --config F status`).
    between = parser.parse_args([command[0], "--config", "F.toml", "--lang", "en",
                                 *command[1:]])
    assert vars(before) == vars(after) == vars(between)
    assert (after.config, after.lang) == ("F.toml", "en")
    plain = parser.parse_args(command)
    assert (plain.config, plain.lang) == (None, None)


def test_the_later_value_wins_and_the_command_keeps_one_given_before_it() -> None:
    parser = cli._parser()
    assert parser.parse_args(["--config", "A", "status", "--config", "B"]).config == "B"
    kept = parser.parse_args(["--config", "A", "--lang", "en", "sync", "status", "--json"])
    assert (kept.config, kept.lang) == ("A", "en")


def test_config_after_the_command_in_a_real_process(tmp_path) -> None:
    config = make_config(tmp_path)
    done = kiosk("check-config", "--config", str(config))
    assert done.returncode == 0 and str(config) in done.stdout, done.stderr
    status = kiosk("status", "--json", "--config", str(config), "--lang", "en")
    assert status.returncode == 0, status.stderr
    assert '"office"' in status.stdout and "Walk-in" in status.stdout


def test_the_documented_codes() -> None:
    codes = documented_exit_codes()
    assert sorted(codes) == [0, 1, 2, 3, 4, 5]
    assert "usage error" in codes[2] and "sync --once" in codes[2]
    assert (cli.EXIT_CONFIG, cli.EXIT_FAILED, cli.EXIT_REFUSED, cli.EXIT_UNPRINTED,
            cli.EXIT_NOT_FOUND) == (1, 2, 3, 4, 5)


def test_each_code_for_a_representative_command(tmp_path, capsys) -> None:
    config = make_config(tmp_path)
    documented = documented_exit_codes()
    # 0: check-config on a good file.
    assert cli.main(["check-config", "--config", str(config)]) == 0
    # 1: a bad config.
    bad = tmp_path / "bad.toml"
    bad.write_text(config.read_text(encoding="utf-8").replace(
        'timezone = "Asia/Makassar"', 'timezone = "Asia/Tokyo"'), encoding="utf-8")
    assert cli.main(["status", "--config", str(bad)]) == 1 in documented
    # 2: `kiosk sync --once` with no [sync] table, and a usage error (argparse).
    assert cli.main(["sync", "--once", "--config", str(config)]) == 2 in documented
    assert "hub_url" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        cli.main(["issue", "walkin", "--no-such-option", "--config", str(config)])
    assert usage.value.code == 2
    # 3: nobody waiting at a counter (a refusal that needs no walk-in).
    assert cli.main(["call", "--counter", "1", "--config", str(config)]) == 3 in documented
    # 5: no such ticket.
    assert cli.main(["reprint", "A999", "--config", str(config)]) == 5 in documented


def _literal_exit_codes(path) -> set[tuple[int, str]]:
    """(code, where) of each literal exit code: EXIT_* constants, `return N` with an int
    literal, sys.exit(N)."""
    found: set[tuple[int, str]] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Assign):
            names = [t for target in node.targets
                     for t in (target.elts if isinstance(target, ast.Tuple) else [target])]
            values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
            for name, value in zip(names, values, strict=False):
                if (isinstance(name, ast.Name) and name.id.startswith("EXIT_")
                        and isinstance(value, ast.Constant)):
                    found.add((value.value, where))
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Constant) \
                and type(node.value.value) is int:
            found.add((node.value.value, where))
        elif isinstance(node, ast.Call) and ast.unparse(node.func) == "sys.exit" \
                and node.args and isinstance(node.args[0], ast.Constant):
            found.add((node.args[0].value, where))
    return found


def test_no_command_returns_an_undocumented_code() -> None:
    documented = set(documented_exit_codes())
    found = set().union(*(_literal_exit_codes(path) for path in CLI_MODULES))
    assert {code for code, _ in found} >= {0, 1, 2, 3, 4, 5}  # the scan sees them all
    assert [f"{where}: {code}" for code, where in sorted(found) if code not in documented] == []


def test_the_scan_would_see_an_undocumented_code(tmp_path) -> None:
    module = tmp_path / "cli_fake.py"
    module.write_text("import sys\nEXIT_ODD, EXIT_OK = 7, 0\n"
                      "def f():\n    return 9\nsys.exit(11)\n", encoding="utf-8")
    assert {code for code, _ in _literal_exit_codes(module)} == {0, 7, 9, 11}
