"""Dependencies flow screens -> kiosk <- hardware: the domain never imports a driver."""

from __future__ import annotations

import ast
import string
from pathlib import Path

from kiosk.texts import TEXTS
from tests.conftest import ROOT

DRIVERS = {"escpos", "gpiozero", "usb", "serial", "cv2", "zxingcpp", "pyzbar", "textual"}
# The composition root and the CLI may reach adapters, lazily, inside functions.
COMPOSITION = {"appliance.py", "cli.py"}


def imported_modules(path: Path, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_domain_modules_import_no_driver_and_no_ui() -> None:
    for path in sorted((ROOT / "kiosk").glob("*.py")):
        top_level_only = path.name in COMPOSITION
        bad = imported_modules(path, top_level_only) & (DRIVERS | {"hardware", "screens"})
        assert not bad, f"kiosk/{path.name} imports {sorted(bad)}"


def test_hardware_adapters_do_not_import_the_ui() -> None:
    for path in sorted((ROOT / "hardware").glob("*.py")):
        assert "screens" not in imported_modules(path, False), path.name
        assert "textual" not in imported_modules(path, False), path.name


def test_screens_do_not_import_drivers() -> None:
    for path in sorted((ROOT / "screens").glob("*.py")):
        bad = imported_modules(path, False) & ((DRIVERS - {"textual"}) | {"hardware"})
        assert not bad, f"screens/{path.name} imports {sorted(bad)}"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_text_exists_in_both_languages_with_the_same_placeholders() -> None:
    for key, pair in TEXTS.items():
        assert len(pair) == 2 and all(part.strip() for part in pair), key
        indonesian, english = pair
        assert placeholders(indonesian) == placeholders(english), key
