"""Every kiosk screen, as the lobby sees it: readable contrast, nothing cut off, big numbers.

The check reads what Textual actually draws (the compositor's full-screen
update, the same segments ``App.export_screenshot`` records) and measures
each visible character's WCAG contrast ratio against its own background:
at least 4.5:1 in the standard theme and 7:1 in high contrast.

"16 colours" is worked out the way a 16-colour terminal gets it: Textual's
``Strip.render`` downgrades every colour with Rich's
``Color.downgrade(ColorSystem.STANDARD)`` (what a Pi kiosk on the Linux
console, TERM=linux, receives), and the console shows those 16 numbers in
its VGA palette (Rich's ``STANDARD_PALETTE``). The Linux console also draws
bold text in the bright variant of its colour, and shows dim text in dark
grey; the ratio counted is the worse of "bold brightens" and "bold does
not", so the screens pass on other 16-colour terminals too.
"""

from __future__ import annotations

import dataclasses
import io
import json
import unicodedata
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

import pytest
from rich._palettes import STANDARD_PALETTE
from rich.color import Color, ColorSystem
from rich.console import Console
from rich.style import Style
from textual.containers import ScrollableContainer
from textual.widget import Widget
from textual.widgets import Button, Static, TabbedContent

from kiosk.appliance import Appliance, build
from kiosk.checkin.booking_samples import BOOKINGS_FILE, make_sample_bookings
from kiosk.config import Config, ConfigError, load_config
from kiosk.queue.issuing import Refused
from screens.app import CodeScanned, KioskApp
from screens.bigtext import FONT, GLYPH_HEIGHT, GLYPH_WIDTH, BigNumber
from screens.checkin import CheckedInScreen, KeypadScreen
from screens.notice import NoticeScreen
from screens.pin import PinScreen
from screens.staff import StaffScreen
from screens.ticket import TicketScreen
from tests.conftest import ROOT, SIM_CONFIG, MovableClock, settle, until

KIOSK_CSS = ROOT / "screens" / "kiosk.tcss"
DEMO_KEY = (ROOT / "config" / "demo-booking-key.txt").read_text().strip()
SIZES = [(80, 24), (200, 60)]
MINIMUM = {"standard": 4.5, "high_contrast": 7.0}  # WCAG AA body text / AAA
NOTICES = ("cap", "closed", "paper_out", "clock", "paused", "no_numbers", "error")
STAFF_TABS = ("tab-counters", "tab-today", "tab-system")
BLACK, WHITE = (0, 0, 0), (255, 255, 255)
GREY_16 = STANDARD_PALETTE[8]  # what the Linux console shows for dim text

RGB = tuple[int, int, int]


class Cell(NamedTuple):
    char: str
    fg: RGB
    bg: RGB
    bold: bool
    dim: bool


# -- measuring ---------------------------------------------------------------


def luminance(rgb: RGB) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: RGB, b: RGB) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _rgb(color: Color | None, default: RGB) -> RGB:
    return default if color is None or color.is_default else tuple(color.get_truecolor())


def screen_cells(app: KioskApp) -> list[list[Cell]]:
    """The whole screen as drawn, one Cell per terminal cell (reverse video resolved)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    rows: list[list[Cell]] = [[]]
    for segment in console._record_buffer:
        if segment.control:
            continue
        style: Style = segment.style or Style()
        fg, bg = _rgb(style.color, WHITE), _rgb(style.bgcolor, BLACK)
        if style.reverse:
            fg, bg = bg, fg
        for char in segment.text:
            if char == "\n":
                rows.append([])
                continue
            rows[-1].append(Cell(char, fg, bg, bool(style.bold), bool(style.dim)))
            if unicodedata.east_asian_width(char) in "WF":
                rows[-1].append(Cell("", fg, bg, False, False))
    return [row for row in rows if row][:height]


def is_text(char: str) -> bool:
    """Letters, digits, signs and the number's blocks; not frames, shading or scrollbars."""
    if not char.strip():
        return False
    code = ord(char)
    if 0x2500 <= code <= 0x259F:  # box drawing and block elements
        return char in "\u2588\u2592"  # full block (BigNumber, charts) and the chart's shade
    return True


def sixteen(rgb: RGB) -> int:
    return Color.from_rgb(*rgb).downgrade(ColorSystem.STANDARD).number or 0


def cell_ratio(cell: Cell, colours: str) -> float:
    """The cell's contrast in "full" colour or in the 16 colours of a Linux console."""
    if colours == "full":
        fg = cell.fg
        if cell.dim:  # terminals draw dim text at about half its brightness
            fg = tuple((f + b) // 2 for f, b in zip(cell.fg, cell.bg, strict=True))
        return contrast(fg, cell.bg)
    bg = tuple(STANDARD_PALETTE[sixteen(cell.bg)])
    if cell.dim:
        return contrast(GREY_16, bg)
    number = sixteen(cell.fg)
    shown = {number, number | 8} if cell.bold else {number}
    return min(contrast(tuple(STANDARD_PALETTE[n]), bg) for n in shown)


def contrast_problems(cells: list[list[Cell]], minimum: float, colours: str,
                      no_dim: bool) -> tuple[float, list[str]]:
    """(lowest ratio of any text cell, readable descriptions of the cells below minimum)."""
    lowest, problems, seen = 99.0, [], set()
    for y, row in enumerate(cells):
        for x, cell in enumerate(row):
            if not is_text(cell.char):
                continue
            ratio = cell_ratio(cell, colours)
            lowest = min(lowest, ratio)
            bad = ratio < minimum or (no_dim and cell.dim)
            key = (cell.fg, cell.bg, cell.bold, cell.dim)
            if bad and key not in seen:
                seen.add(key)
                text = "".join(c.char for c in row[max(0, x - 10):x + 20]).strip()
                problems.append(f"{ratio:.2f}:1 at ({x},{y}) fg={cell.fg} bg={cell.bg} "
                                f"bold={cell.bold} dim={cell.dim} in {text!r}")
    return lowest, problems


def frame_problems(cells: list[list[Cell]], colours: str) -> list[str]:
    """Frames drawn around lobby buttons and boxes need 3:1 (WCAG 1.4.11, non-text)."""
    problems = set()
    for row in cells:
        for cell in row:
            if 0x2500 <= ord(cell.char) <= 0x257F:
                ratio = cell_ratio(cell._replace(bold=False), colours)
                if ratio < 3.0:
                    problems.add(f"frame {cell.char} {cell.fg} on {cell.bg}: {ratio:.2f}:1")
    return sorted(problems)


HIGH_CONTRAST_PAIRS = {(WHITE, BLACK), ((255, 255, 0), BLACK), (BLACK, WHITE)}


def high_contrast_problems(cells: list[list[Cell]]) -> list[str]:
    """High contrast means white or yellow on pure black (or black on white), all bold."""
    problems = set()
    for row in cells:
        for cell in row:
            if is_text(cell.char) and ((cell.fg, cell.bg) not in HIGH_CONTRAST_PAIRS
                                       or not cell.bold or cell.dim):
                problems.add(f"{cell.fg} on {cell.bg}, bold={cell.bold}, dim={cell.dim}: "
                             + "".join(c.char for c in row).strip()[:40])
    return sorted(problems)


# -- fitting -----------------------------------------------------------------


def shown_on_screen(widget: Widget) -> bool:
    return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))


def cut_off_widgets(app: KioskApp) -> list[str]:
    """Widgets with something to show that are hidden, clipped or past the screen's edge."""
    width, height = app.size
    problems = []
    for widget in app.screen.query("Static, Button, Input, Select"):
        if not shown_on_screen(widget):
            continue
        if isinstance(widget, Static) and not str(widget.render()).strip():
            continue
        name = f"{type(app.screen).__name__} {type(widget).__name__}#{widget.id}"
        if any(isinstance(node, ScrollableContainer) for node in widget.ancestors):
            continue  # its container scrolls: staff reach it with the arrow keys
        if not widget.region.area:
            problems.append(f"{name} is hidden")
            continue
        visible = app.screen.find_widget(widget).region
        if visible.height != widget.outer_size.height or visible.width != widget.outer_size.width:
            problems.append(f"{name} is cut off ({visible.size} of {widget.outer_size})")
        if visible.right > width or visible.bottom > height:
            problems.append(f"{name} runs past the screen edge")
    return problems


# -- the number in block letters ---------------------------------------------

GLYPHS = {glyph: char for char, glyph in FONT.items() if char != " "}


def read_big_number(app: KioskApp, cells: list[list[Cell]]) -> tuple[str, int]:
    """Read the block letters back off the drawn screen: (label, scale)."""
    region = app.screen.find_widget(app.screen.query_one(BigNumber)).region
    lines = ["".join(cell.char for cell in row[region.x:region.right])
             for row in cells[region.y:region.bottom]]
    filled = [y for y, line in enumerate(lines) if "\u2588" in line]
    top, bottom = filled[0], filled[-1] + 1
    scale = (bottom - top) // GLYPH_HEIGHT
    left = min(line.index("\u2588") for line in lines[top:bottom] if "\u2588" in line)
    step = GLYPH_WIDTH * 2 * scale + scale
    label = ""
    for start in range(left, max(len(line) for line in lines), step):
        glyph = tuple("".join("#" if line[start + col * 2 * scale:][:1] == "\u2588" else " "
                              for col in range(GLYPH_WIDTH))
                      for line in lines[top:bottom:scale])
        if not any("#" in row for row in glyph):
            break
        label += GLYPHS.get(glyph, "?")
    return label, scale


# -- driving every screen ----------------------------------------------------


@pytest.fixture
def booking(tmp_path: Path) -> str:
    """A signed QR payload for one applicant, so the checked-in screen shows one big number."""
    samples = make_sample_bookings(tmp_path / "qr", "KUP", date(2026, 11, 25), 12, DEMO_KEY,
                                   key_id="demo", seed=7)
    rows = json.loads((tmp_path / "qr" / BOOKINGS_FILE).read_text())
    single = {row["code"] for row in rows if len(row["applicants"]) == 1}
    return next(payload for code, payload, _ in samples.samples if code in single)


@pytest.fixture
def kiosk(config: Config, clock: MovableClock):
    made: list[Appliance] = []

    def factory(cfg: Config, speak=None, app_class: type[KioskApp] = KioskApp) -> KioskApp:
        appliance = build(cfg, clock=clock)
        made.append(appliance)
        app = app_class(cfg, appliance.service, appliance.simulation, appliance.checkin,
                        speak=speak)
        appliance.on_press = app.lane_pressed
        return app

    yield factory
    for appliance in made:
        appliance.close()


async def every_screen(pilot, booking: str) -> AsyncIterator[str]:
    """Walk the kiosk through each screen an applicant or staff member can meet."""
    app: KioskApp = pilot.app
    yield "home"
    await pilot.press("k")  # the roll taken out: every lane says so, and a warning line
    assert await until(pilot, lambda: app.screen.query_one("#paper-warning").display)
    yield "home paper out"
    await pilot.press("k")
    assert await until(pilot, lambda: not app.screen.query_one("#paper-warning").display)
    await pilot.press("1")
    await settle(pilot)
    assert isinstance(app.screen, TicketScreen)
    yield "ticket"
    app.show_result(dataclasses.replace(app.screen.issued, printed=False))
    await settle(pilot)
    yield "ticket not printed"
    app.post_message(CodeScanned(booking))
    await settle(pilot, 0.3)
    assert isinstance(app.screen, CheckedInScreen), type(app.screen).__name__
    yield "checked in"
    app.post_message(CodeScanned("AQ1.rusak"))  # a half-read QR code
    await settle(pilot, 0.3)
    assert isinstance(app.screen, NoticeScreen)
    yield "scan failed"
    opening = datetime(2026, 11, 26, 8, 0, tzinfo=app.config.timezone)
    for reason in NOTICES:
        app.show_result(Refused(reason, "A", next_opening=opening, cap=60))
        await settle(pilot)
        assert isinstance(app.screen, NoticeScreen)
        yield f"notice {reason}"
    app.go_home()
    await pilot.press("b")
    await settle(pilot)
    assert isinstance(app.screen, KeypadScreen)
    await pilot.press(*"AB12")
    yield "keypad"
    await pilot.press("escape")
    await pilot.press("f12")
    await settle(pilot)
    assert isinstance(app.screen, PinScreen)
    await pilot.press(*"99", "enter")
    await settle(pilot)
    yield "pin (wrong PIN message)"
    await pilot.press(*"1234", "enter")
    await settle(pilot, 0.5)
    assert isinstance(app.screen, StaffScreen)
    for tab in STAFF_TABS:
        app.screen.query_one(TabbedContent).active = tab
        await settle(pilot, 0.3)
        yield f"staff {tab}"
    app.screen.say("Contoh pesan penolakan", error=True)
    await settle(pilot)
    yield "staff refusal message"


def with_theme(cfg: Config, theme: str) -> Config:
    return dataclasses.replace(cfg, screen_theme=theme)


# -- the checks --------------------------------------------------------------


@pytest.mark.parametrize("theme", ["standard", "high_contrast"])
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "200x60"])
async def test_every_screen_is_readable_and_fits(config, kiosk, booking, size, theme) -> None:
    app = kiosk(with_theme(config, theme))
    minimum = MINIMUM[theme]
    failures: list[str] = []
    lowest = {"full": 99.0, "16": 99.0}
    visited = []
    async with app.run_test(size=size) as pilot:
        async for name in every_screen(pilot, booking):
            visited.append(name)
            cells = screen_cells(app)
            assert len(cells) == size[1] and all(len(row) == size[0] for row in cells), name
            for colours in lowest:
                ratio, problems = contrast_problems(cells, minimum, colours,
                                                    no_dim=theme == "high_contrast")
                lowest[colours] = min(lowest[colours], ratio)
                failures += [f"{name}, {colours} colour: {p}" for p in problems]
                if not name.startswith("staff"):  # staff tabs' underline is decoration
                    failures += [f"{name}, {colours} colour: {p}"
                                 for p in frame_problems(cells, colours)]
            failures += [f"{name}: {p}" for p in cut_off_widgets(app)]
            if theme == "high_contrast":
                failures += [f"{name}: {p}" for p in high_contrast_problems(cells)]
            if isinstance(app.screen, TicketScreen | CheckedInScreen):
                label = app.screen.query_one(BigNumber).label
                drawn, scale = read_big_number(app, cells)
                assert drawn == label, f"{name}: block letters read {drawn!r}, not {label!r}"
                assert scale >= (1 if size == (80, 24) else 2), f"{name}: number too small"
    print(f"{theme} {size}: lowest contrast full colour {lowest['full']:.2f}, "
          f"16 colours {lowest['16']:.2f}")
    assert len(visited) == 19
    assert not failures, "\n".join(failures)


def test_the_check_catches_low_contrast_and_dim_text() -> None:
    """The measuring itself: grey on black fails, white on black passes, cyan on white fails."""
    grey = Cell("a", (128, 128, 128), BLACK, False, False)
    assert contrast_problems([[grey]], 4.5, "full", False)[1] == []  # 5.3:1
    assert contrast_problems([[grey]], 7.0, "full", False)[1]
    assert contrast_problems([[Cell("a", (0, 255, 255), WHITE, False, False)]], 4.5,
                             "full", False)[1]
    dim = Cell("a", WHITE, BLACK, False, True)
    assert contrast_problems([[dim]], 7.0, "16", True)[1]  # dark grey on a Linux console
    assert round(contrast(WHITE, BLACK), 2) == 21.0
    # Two shades that differ in full colour can become one of the 16: unreadable.
    near = Cell("a", (40, 40, 40), (10, 10, 10), False, False)
    assert cell_ratio(near, "16") == 1.0
    frame = Cell("\u2500", BLACK, BLACK, False, False)
    assert contrast_problems([[frame]], 4.5, "full", False) == (99.0, [])
    # High contrast: grey text, a dark-blue bar or plain (not bold) text are all refused.
    assert high_contrast_problems([[Cell("a", (200, 200, 200), BLACK, True, False)]])
    assert high_contrast_problems([[Cell("a", WHITE, (0, 0, 170), True, False)]])
    assert high_contrast_problems([[Cell("a", WHITE, BLACK, False, False)]])
    assert not high_contrast_problems([[Cell("a", (255, 255, 0), BLACK, True, False)]])


class GreyHintKiosk(KioskApp):
    """kiosk.tcss plus one bad colour: the home screen's hints in dark grey."""

    CSS_PATH = KIOSK_CSS
    CSS = "HomeScreen .hint { color: #595959; }"  # 3.0:1 on black


class BlueBarKiosk(KioskApp):
    """White on a mid blue: 6.8:1 in full colour, but a 16-colour console shows cyan."""

    CSS_PATH = KIOSK_CSS
    CSS = "HomeScreen .hint { color: white; background: #0a5ca8; }"


@pytest.mark.parametrize(("app_class", "fails_in"), [(GreyHintKiosk, {"full", "16"}),
                                                     (BlueBarKiosk, {"16"})])
async def test_a_badly_coloured_screen_fails_the_check(config, kiosk, app_class,
                                                       fails_in) -> None:
    app = kiosk(config, app_class=app_class)
    async with app.run_test(size=(80, 24)):
        cells = screen_cells(app)
        failing = {colours for colours in ("full", "16")
                   if contrast_problems(cells, MINIMUM["standard"], colours, False)[1]}
        assert failing == fails_in
    app = kiosk(config)  # the real stylesheet on the same screen passes
    async with app.run_test(size=(80, 24)):
        assert not contrast_problems(screen_cells(app), MINIMUM["standard"], "16", False)[1]


async def test_staff_switch_to_high_contrast_recolours_the_lobby(config, kiosk) -> None:
    app = kiosk(config)
    async with app.run_test(size=(80, 24)) as pilot:
        clock_colour = app.screen.query_one("#clock", Static).styles.color
        assert (clock_colour.r, clock_colour.g, clock_colour.b) == (0, 255, 255)  # cyan
        await pilot.press("f12")
        await pilot.press(*"1234", "enter")
        await settle(pilot, 0.3)
        app.screen.query_one(TabbedContent).active = "tab-system"
        await settle(pilot)
        app.screen.query_one("#theme", Button).press()
        await settle(pilot)
        assert "kontras tinggi menyala" in str(app.screen.query_one("#staff-message").render())
        assert app.theme == "kiosk-high-contrast"
        app.go_home()
        await settle(pilot)
        clock_colour = app.screen.query_one("#clock", Static).styles.color
        assert (clock_colour.r, clock_colour.g, clock_colour.b) == WHITE
        assert app.screen.query_one("#clock", Static).styles.text_style.bold


def test_theme_and_prompts_in_the_config(tmp_path: Path) -> None:
    text = SIM_CONFIG.read_text(encoding="utf-8")
    assert load_config(SIM_CONFIG).screen_theme == "standard"
    assert load_config(SIM_CONFIG).spoken_prompts is False
    good = tmp_path / "good.toml"
    good.write_text(text.replace("[screen]\n", '[screen]\ntheme = "high_contrast"\n'
                                 "spoken_prompts = true\n"), encoding="utf-8")
    loaded = load_config(good)
    assert (loaded.screen_theme, loaded.spoken_prompts) == ("high_contrast", True)
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("[screen]\n", '[screen]\ntheme = "dark"\n'), encoding="utf-8")
    with pytest.raises(ConfigError, match="screen.theme.*one of standard, high_contrast"):
        load_config(bad)
    bad.write_text(text.replace("[screen]\n", '[screen]\nspoken_prompts = "ya"\n'),
                   encoding="utf-8")
    with pytest.raises(ConfigError, match="screen.spoken_prompts.*true or false"):
        load_config(bad)

