"""The ticket's ESC/POS layout, shared by real printers and the simulation.

Rendering into any Escpos object (normally a Dummy) keeps the layout testable
byte for byte and lets adapters send a whole ticket in one write. The same
content is also offered as plain text so simulation can show it on screen.
"""

from __future__ import annotations

import textwrap
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from kiosk.ports import TicketContent
from kiosk.texts import TEXTS, ZONE_ABBREVIATIONS, format_date, t
from kiosk.texts.wait import wait_line

if TYPE_CHECKING:  # only types: the driver loads when a ticket is printed
    from collections.abc import Callable

    from escpos.escpos import Escpos

PAPER_DOTS = {58: 384, 80: 576}  # printable dots per line at 203 dpi
FONT_A_DOTS = 12  # font A glyph width: 32 columns on 58 mm, 48 on 80 mm
FONT_B_DOTS = 9  # font B (the small one): 42 / 64 columns
LABEL_HEIGHT = 8
_MAX_LABEL_WIDTH = {58: 6, 80: 8}
_QR_MODULE_DOTS = {58: 5, 80: 6}
_PUNCTUATION = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'",
                              "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def columns(paper_width_mm: int, glyph_dots: int = FONT_A_DOTS) -> int:
    if paper_width_mm not in PAPER_DOTS:
        raise ValueError(f"paper width must be 58 or 80 mm, got {paper_width_mm}")
    return PAPER_DOTS[paper_width_mm] // glyph_dots


def label_width(label: str, paper_width_mm: int) -> int:
    """Largest character magnification at which the whole label fits on one line."""
    fits = PAPER_DOTS[paper_width_mm] // (FONT_A_DOTS * max(1, len(label)))
    return max(1, min(_MAX_LABEL_WIDTH[paper_width_mm], fits))


def ascii_safe(text: str) -> str:
    """Strip accents and typographic punctuation that cheap printers' code pages lack."""
    if text.isascii():  # labels and most lines: nothing to strip
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_PUNCTUATION))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=256)
def _wrap(text: str, width: int) -> tuple[str, ...]:
    """Cached: the same office name and instructions are laid out for every ticket."""
    if len(text) <= width and text.isascii() and text.isprintable() and text == text.strip():
        # Short plain lines (people ahead, the wait) change per ticket: skip textwrap.
        return (text,)
    return tuple(textwrap.wrap(ascii_safe(text), width, break_on_hyphens=False)) or ("",)


def _date_lines(ticket: TicketContent) -> list[str]:
    zone = ZONE_ABBREVIATIONS.get(str(ticket.issued_at.tzinfo), "")
    time_text = f"{ticket.issued_at:%H:%M} {zone}".rstrip()
    return [format_date(ticket.issued_at.date(), ticket.language),
            f"{t('slip.printed_at', ticket.language)} {time_text}"]


def _priority_lines(ticket: TicketContent) -> list[str]:
    """Why this is a priority ticket, and who checks it (kiosk/queue/walkin_guard.py)."""
    code = ticket.priority_reason
    if not code:
        return []
    key = f"priority.reason.{code}"
    reason = t(key, ticket.language) if key in TEXTS else code
    note = "priority.ticket.lansia" if code == "lansia" else "priority.ticket.check"
    return [t("priority.ticket.reason", ticket.language, reason=reason), t(note, ticket.language)]


def _footer_lines(ticket: TicketContent) -> list[str]:
    wait = [] if ticket.wait is None else [wait_line(ticket.wait, ticket.language)]
    ahead = [] if ticket.ahead is None else [t("slip.ahead", ticket.language, ahead=ticket.ahead)]
    return [*ahead, *wait, "",
            t("slip.instruction", ticket.language), t("slip.keep", ticket.language)]


def _qr_payload(ticket: TicketContent) -> str:
    """The tracking page's address when [tracking] is set, else the ticket id as before."""
    return ticket.track_url or ticket.ticket_id


def _track_lines(ticket: TicketContent) -> list[str]:
    if not ticket.track_url or not ticket.track_code:
        return []
    return [t("slip.track", ticket.language),
            t("slip.track_code", ticket.language, code=ticket.track_code)]


def _print_lines(printer: Escpos, text: str, width: int) -> None:
    """Plain ASCII straight to the device: identical in every code page, so the
    per-character code-page search of python-escpos' magic encoder (most of
    the layout time) is not needed."""
    for line in _wrap(text, width):
        printer._raw(line.encode("ascii", "replace") + b"\n")


def _escpos_bytes(draw: Callable[[Escpos], None]) -> bytes:
    """What python-escpos sends for ``draw``, rendered once into a Dummy."""
    from escpos.printer import Dummy

    buffer = Dummy()
    draw(buffer)
    return buffer.output


@lru_cache(maxsize=32)
def _head(office_name: str, office_address: str, lane_name: str, paper_width_mm: int) -> bytes:
    """Reset, office and lane: the same on every ticket of a lane, so laid out once."""
    cols = columns(paper_width_mm)

    def draw(printer: Escpos) -> None:
        printer.hw("INIT")  # ESC @: clear whatever a half-sent earlier job left behind
        printer.set(align="center", font="a", bold=True, normal_textsize=True)
        _print_lines(printer, office_name, cols)
        printer.set(bold=False)
        if office_address:
            printer.set(font="b")
            _print_lines(printer, office_address, columns(paper_width_mm, FONT_B_DOTS))
            printer.set(font="a")
        printer._raw(b"\n")
        printer.set(double_width=True, double_height=True)
        _print_lines(printer, lane_name, cols // 2)

    return _escpos_bytes(draw)


@lru_cache(maxsize=16)
def _style(**settings: object) -> bytes:
    """One python-escpos ``set()`` as bytes; a handful of styles recur on every ticket."""
    return _escpos_bytes(lambda printer: printer.set(**settings))


@lru_cache(maxsize=1)
def _cut() -> bytes:
    return _escpos_bytes(lambda printer: printer.cut())


def render_ticket(printer: Escpos, ticket: TicketContent, paper_width_mm: int) -> None:
    """Write one complete ticket, ending with a cut, to ``printer``.

    The parts every ticket shares come from a cache of python-escpos' own output
    (a press waits for this layout: bench/issue_latency.py).
    """
    cols = columns(paper_width_mm)
    printer._raw(_head(ticket.office_name, ticket.office_address or "", ticket.lane_name,
                       paper_width_mm))
    label = ascii_safe(ticket.label)
    printer._raw(_style(custom_size=True, width=label_width(label, paper_width_mm),
                        height=LABEL_HEIGHT, bold=True))
    printer._raw(label.encode("ascii", "replace") + b"\n")
    # GS ! 0 as well as ESC ! 0
    printer._raw(_style(custom_size=True, width=1, height=1, bold=False))
    printer._raw(_style(normal_textsize=True))
    printer._raw(b"\n")
    if reasons := _priority_lines(ticket):
        printer._raw(_style(bold=True))
        for line in reasons:
            _print_lines(printer, line, cols)
        printer._raw(_style(bold=False))
    for line in [*_date_lines(ticket), *_footer_lines(ticket)]:
        _print_lines(printer, line, cols)
    if ticket.print_qr and ticket.ticket_id:
        printer._raw(b"\n")
        printer._raw(_style(align="center"))
        # Native GS ( k: a few bytes instead of a raster image, and sharp on any printer.
        printer.qr(_qr_payload(ticket), native=True, size=_QR_MODULE_DOTS[paper_width_mm])
        for line in _track_lines(ticket):
            _print_lines(printer, line, cols)
    printer._raw(_cut())


def render_preview(ticket: TicketContent, paper_width_mm: int) -> str:
    """The same ticket as centred plain text, for the simulation screen and logs."""
    cols = columns(paper_width_mm)
    lines: list[str] = ["=" * cols, *_wrap(ticket.office_name, cols)]
    if ticket.office_address:
        lines += _wrap(ticket.office_address, cols)
    lines += ["-" * cols, *_wrap(ticket.lane_name, cols), ""]
    spaced = " ".join(ascii_safe(ticket.label))
    border = "+" + "-" * (len(spaced) + 4) + "+"
    lines += [border, f"|  {spaced}  |", border, ""]
    for line in [*_priority_lines(ticket), *_date_lines(ticket), *_footer_lines(ticket)]:
        lines += _wrap(line, cols)
    if ticket.print_qr and ticket.ticket_id:
        lines += ["", *_wrap(f"[QR] {_qr_payload(ticket)}", cols)]
        for line in _track_lines(ticket):
            lines += _wrap(line, cols)
    lines.append("=" * cols)
    return "\n".join(line.center(cols).rstrip() for line in lines)
