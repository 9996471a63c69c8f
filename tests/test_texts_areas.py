"""kiosk.texts: the area tables merge into one TEXTS, a key never lives in two areas, and
every table module in kiosk/texts/ is an area (data only, so importing kiosk.texts stays cheap)."""

from __future__ import annotations

import ast
from types import SimpleNamespace

import pytest

import kiosk.texts
from kiosk.texts import AREAS, TEXTS, _merged
from tests.conftest import ROOT


def test_texts_is_every_area_table_merged() -> None:
    assert len(TEXTS) == sum(len(area.TEXTS) for area in AREAS)
    for area in AREAS:
        assert all(TEXTS[key] is pair for key, pair in area.TEXTS.items()), area.__name__


def test_a_key_in_two_areas_stops_the_merge() -> None:
    one = SimpleNamespace(__name__="one", TEXTS={"a.x": ("x", "x"), "a.y": ("y", "y")})
    two = SimpleNamespace(__name__="two", TEXTS={"a.y": ("y2", "y2")})
    with pytest.raises(RuntimeError, match=r"defined twice \(two\): \['a.y'\]"):
        _merged((one, two))  # type: ignore[arg-type]


def test_every_table_module_is_an_area_and_imports_nothing() -> None:
    tables = set()
    for path in sorted((ROOT / "kiosk" / "texts").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not any(isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "TEXTS"
                   for node in tree.body) or path.name == "__init__.py":
            continue
        tables.add(path.stem)
        imports = [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]
        assert all(isinstance(node, ast.ImportFrom) and node.module == "__future__"
                   for node in imports), f"{path.name} imports more than __future__"
    assert tables == {area.__name__.removeprefix("kiosk.texts.") for area in AREAS}
    assert all(getattr(kiosk.texts, name).TEXTS for name in tables)
