"""Queue numbers in large block letters, readable from across the lobby.

Textual's ``Digits`` has no ``P``, and lane letters matter as much as the
digits, so the kiosk carries its own 5-row font for the characters it shows.
Only full blocks are used: they exist in the Linux console font (TERM=linux).
"""

from __future__ import annotations

from textual.widgets import Static

FONT: dict[str, tuple[str, ...]] = {
    "A": (" ### ", "#   #", "#####", "#   #", "#   #"),
    "B": ("#### ", "#   #", "#### ", "#   #", "#### "),
    "P": ("#### ", "#   #", "#### ", "#    ", "#    "),
    # Service letters (issue 13: the home screen's chooser draws them big).
    "C": (" ####", "#    ", "#    ", "#    ", " ####"),
    "D": ("#### ", "#   #", "#   #", "#   #", "#### "),
    "E": ("#####", "#    ", "#### ", "#    ", "#####"),
    "F": ("#####", "#    ", "#### ", "#    ", "#    "),
    "G": (" ####", "#    ", "#  ##", "#   #", " ### "),
    "H": ("#   #", "#   #", "#####", "#   #", "#   #"),
    "I": (" ### ", "  #  ", "  #  ", "  #  ", " ### "),
    "J": ("  ###", "    #", "    #", "#   #", " ### "),
    "K": ("#   #", "#  # ", "###  ", "#  # ", "#   #"),
    "L": ("#    ", "#    ", "#    ", "#    ", "#####"),
    "M": ("#   #", "## ##", "# # #", "#   #", "#   #"),
    "N": ("#   #", "##  #", "# # #", "#  ##", "#   #"),
    "O": (" ### ", "#   #", "#   #", "#   #", " ### "),
    "Q": (" ### ", "#   #", "# # #", "#  # ", " ## #"),
    "R": ("#### ", "#   #", "#### ", "#  # ", "#   #"),
    "S": (" ####", "#    ", " ### ", "    #", "#### "),
    "T": ("#####", "  #  ", "  #  ", "  #  ", "  #  "),
    "U": ("#   #", "#   #", "#   #", "#   #", " ### "),
    "V": ("#   #", "#   #", "#   #", " # # ", "  #  "),
    "W": ("#   #", "#   #", "# # #", "## ##", "#   #"),
    "X": ("#   #", " # # ", "  #  ", " # # ", "#   #"),
    "Y": ("#   #", " # # ", "  #  ", "  #  ", "  #  "),
    "Z": ("#####", "   # ", "  #  ", " #   ", "#####"),
    "0": (" ### ", "#  ##", "# # #", "##  #", " ### "),
    "1": ("  #  ", " ##  ", "  #  ", "  #  ", " ### "),
    "2": (" ### ", "#   #", "  ## ", " #   ", "#####"),
    "3": ("#### ", "    #", " ### ", "    #", "#### "),
    "4": ("#   #", "#   #", "#####", "    #", "    #"),
    "5": ("#####", "#    ", "#### ", "    #", "#### "),
    "6": (" ### ", "#    ", "#### ", "#   #", " ### "),
    "7": ("#####", "    #", "   # ", "  #  ", "  #  "),
    "8": (" ### ", "#   #", " ### ", "#   #", " ### "),
    "9": (" ### ", "#   #", " ####", "    #", " ### "),
    " ": ("     ",) * 5,
}
GLYPH_WIDTH, GLYPH_HEIGHT = 5, 5


def render_big(text: str, scale: int = 1, narrow: bool = False) -> str:
    """Block-letter rendering; unknown characters become blanks rather than crashing.

    A pixel is two cells wide (a terminal cell is about twice as tall as wide);
    ``narrow`` draws it one cell wide: taller-looking letters, half the width,
    so "A012" (23 columns) fits a third of an 80-column board.
    """
    rows = []
    across = scale if narrow else 2 * scale
    for row in range(GLYPH_HEIGHT):
        parts = []
        for char in text.upper():
            glyph = FONT.get(char, FONT[" "])[row]
            parts.append("".join(c * across for c in glyph).replace("#", "\u2588"))
        line = (" " * scale).join(parts)
        rows.extend([line] * scale)
    return "\n".join(rows)


def big_size(text: str, scale: int, narrow: bool = False) -> tuple[int, int]:
    across = scale if narrow else 2 * scale
    width = len(text) * GLYPH_WIDTH * across + (len(text) - 1) * scale
    return width, GLYPH_HEIGHT * scale


def fit_big(text: str, width: int) -> str | None:
    """The widest block letters of ``text`` within ``width`` columns; None if none fit."""
    for scale, narrow in ((1, False), (1, True)):
        if big_size(text, scale, narrow)[0] <= width:
            return render_big(text, scale, narrow)
    return None


class BigNumber(Static):
    """Shows a label as large as the screen allows (scale 1 fits 80x24)."""

    DEFAULT_CSS = "BigNumber { width: 100%; height: auto; content-align: center middle; }"

    def __init__(self, label: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.label = label

    def on_mount(self) -> None:
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        # Our own width, not the screen's: a ticket preview may sit beside us.
        width = self.size.width or self.app.size.width
        height = self.app.size.height
        scale = 1
        for candidate in (3, 2):
            w, h = big_size(self.label, candidate)
            if w <= width - 2 and h <= height // 2:
                scale = candidate
                break
        self.update(render_big(self.label, scale))
