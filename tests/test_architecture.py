"""The architecture a newcomer reads in docs/design.md, kept by tests.

Dependencies flow screens -> kiosk <- hardware; inside kiosk/ the packages form
layers (the queue core at the bottom, the CLI and doctor on top), the hub never
imports the lobby appliance, nothing imports in a circle, and no module grows
past 500 lines. Each rule fails with the import or file that breaks it.
"""

from __future__ import annotations

import ast
import string
from functools import cache
from pathlib import Path

import pytest

from kiosk.texts import TEXTS
from tests.conftest import ROOT

SOURCE_DIRS = ("kiosk", "hardware", "screens")
MAX_LINES = 500
DRIVERS = {"escpos", "gpiozero", "usb", "serial", "cv2", "zxingcpp", "pyzbar", "textual",
           "numpy", "lgpio"}
HTTP = {"http", "httpx", "starlette", "uvicorn", "urllib", "socket", "ssl"}
# The composition root and the CLI may reach adapters, lazily, inside functions.
COMPOSITION = {"kiosk.appliance", "kiosk.cli"}
# The queue core's place: it may import only these of the kiosk (and itself).
QUEUE_MAY_IMPORT = {"kiosk.queue", "kiosk.store", "kiosk.config", "kiosk.clock", "kiosk.ports",
                    "kiosk.privacy"}
# The lobby appliance: what runs only on a kiosk, never at head office.
APPLIANCE = {"kiosk.appliance", "kiosk.lan", "kiosk.staff", "kiosk.cli", "kiosk.doctor",
             "kiosk.queue.issuing", "kiosk.queue.call_feed", "kiosk.checkin.service",
             "screens", "hardware"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> list[Path]:
    return sorted(p for d in SOURCE_DIRS for p in (ROOT / d).rglob("*.py")
                  if "__pycache__" not in p.parts)


def _type_checking_block(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _resolve(module: str, node: ast.ImportFrom) -> list[str]:
    """The modules an ``from X import a, b`` names: X, and X.a where that is a module."""
    base = node.module or ""
    if node.level:  # relative import
        package = module.split(".")[: -node.level] if not module.endswith("__init__") else []
        base = ".".join([*package, base]) if base else ".".join(package)
    names = [base]
    names += [f"{base}.{alias.name}" for alias in node.names]
    return names


@cache
def imports_of(path: Path, runtime_only: bool = True, top_level_only: bool = False) -> set[str]:
    """Dotted names this file imports (``from a.b import c`` gives a.b and a.b.c);
    imports under ``if TYPE_CHECKING:`` are left out when ``runtime_only``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = module_name(path)
    found: set[str] = set()

    def visit(node: ast.AST, top: bool) -> None:
        if runtime_only and _type_checking_block(node):
            for child in node.orelse:  # type: ignore[attr-defined]
                visit(child, top)
            return
        if isinstance(node, ast.Import) and (top or not top_level_only):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (top or not top_level_only):
            found.update(_resolve(module, node))
        body_top = top and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                 ast.ClassDef))
        for child in ast.iter_child_nodes(node):
            visit(child, body_top)

    for node in tree.body:
        visit(node, True)
    return found


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for p in source_files()}


def owner(name: str, modules: dict[str, Path]) -> str | None:
    """The project module an imported name lands in (a.b.c -> a.b if c is a function)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def graph() -> dict[str, set[str]]:
    modules = project_modules()
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {owner(target, modules) for target in imports_of(path)}
        edges[name] = {t for t in targets if t and t != name}
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := walk(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := walk(node)):
            return cycle
    return None


def within(name: str, packages: set[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


# --- the rules ------------------------------------------------------------------


def test_no_import_cycles_anywhere() -> None:
    assert find_cycle(graph()) is None


def test_the_cycle_finder_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_is_over_500_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in source_files()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_every_package_says_what_it_owns() -> None:
    for init in sorted((ROOT / "kiosk").rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 12, f"{init.relative_to(ROOT)} needs a docstring"


def test_the_queue_core_imports_no_http_no_ui_no_driver_and_no_words() -> None:
    modules = project_modules()
    for name, path in modules.items():
        if not within(name, {"kiosk.queue"}):
            continue
        for target in imports_of(path):
            top = target.split(".")[0]
            assert top not in DRIVERS | HTTP | {"screens", "hardware"}, f"{name} imports {target}"
            if top == "kiosk" and target != "kiosk":
                assert within(owner(target, modules) or target, QUEUE_MAY_IMPORT), \
                    f"{name} imports {target}"


def hub_reach() -> set[str]:
    """Every project module the hub reaches, through any runtime import."""
    edges, seen = graph(), set()
    todo = [name for name in edges if within(name, {"kiosk.hub"})]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(edges.get(name, ()))
    return seen


def test_the_hub_never_imports_the_lobby_appliance() -> None:
    reached = hub_reach()
    assert "kiosk.hub.app" in reached
    assert sorted(name for name in reached if within(name, APPLIANCE)) == []


def test_domain_modules_import_no_driver_and_no_ui() -> None:
    for name, path in project_modules().items():
        if not name.startswith("kiosk"):
            continue
        top_level_only = within(name, COMPOSITION)
        bad = {t.split(".")[0] for t in imports_of(path, False, top_level_only)} & (
            DRIVERS | {"hardware", "screens"})
        assert not bad, f"{name} imports {sorted(bad)}"


def test_hardware_adapters_do_not_import_the_ui() -> None:
    for path in sorted((ROOT / "hardware").glob("*.py")):
        tops = {t.split(".")[0] for t in imports_of(path, False)}
        assert not tops & {"screens", "textual"}, path.name


def test_screens_do_not_import_drivers() -> None:
    for path in sorted((ROOT / "screens").glob("*.py")):
        bad = {t.split(".")[0] for t in imports_of(path, False)} & (
            (DRIVERS - {"textual"}) | {"hardware"})
        assert not bad, f"screens/{path.name} imports {sorted(bad)}"


def test_one_http_server_stack() -> None:
    """The hub and the LAN server both run on Starlette + uvicorn: no hand-written server."""
    for path in [*source_files(), *sorted((ROOT / "tests").glob("*.py")),
                 *sorted((ROOT / "bench").glob("*.py"))]:
        tops = {t for t in imports_of(path, False) if t.split(".")[0] in {"http", "socketserver"}}
        assert not tops & {"http.server", "socketserver"}, path.relative_to(ROOT)


@pytest.mark.parametrize("rule, edges, broken", [
    ("cycle", {"kiosk.queue.a": {"kiosk.queue.b"}, "kiosk.queue.b": {"kiosk.queue.a"}}, True),
    ("no cycle", {"kiosk.queue.a": {"kiosk.store"}, "kiosk.store": set()}, False),
])
def test_the_rules_fail_on_a_bad_graph(rule: str, edges: dict[str, set[str]],
                                       broken: bool) -> None:
    assert (find_cycle(edges) is not None) is broken, rule


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_text_exists_in_both_languages_with_the_same_placeholders() -> None:
    for key, pair in TEXTS.items():
        assert len(pair) == 2 and all(part.strip() for part in pair), key
        indonesian, english = pair
        assert placeholders(indonesian) == placeholders(english), key
