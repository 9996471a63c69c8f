"""A printer for demos and development: real ESC/POS bytes, no hardware.

It runs the same layout code as the real printers and keeps the bytes, so a
simulated ticket can be replayed on a real printer or inspected in tests.
"""

from __future__ import annotations

from pathlib import Path

from hardware.ticket_layout import render_preview, render_ticket
from kiosk.ports import PaperStatus, PrinterError, TicketContent


class SimulationPrinter:
    """Appends each ticket's bytes to ``output``; staff can toggle ``paper_out`` in a demo."""

    def __init__(self, output: Path, paper_width_mm: int) -> None:
        self.output = Path(output)
        self.paper_width_mm = paper_width_mm
        self.paper_out = False
        self.last_preview: str | None = None
        self.printed_count = 0

    def paper_status(self) -> PaperStatus:
        return PaperStatus.OUT if self.paper_out else PaperStatus.OK

    def print_ticket(self, ticket: TicketContent) -> None:
        if self.paper_out:
            raise PrinterError("printer is out of paper (simulation)")
        from escpos.printer import Dummy  # on first use: see hardware/printers.py

        buffer = Dummy()
        render_ticket(buffer, ticket, self.paper_width_mm)
        try:
            self.output.parent.mkdir(parents=True, exist_ok=True)
            with self.output.open("ab") as sink:
                sink.write(buffer.output)
        except OSError as exc:
            raise PrinterError(f"could not write simulated ticket to {self.output}: {exc}") from exc
        self.last_preview = render_preview(ticket, self.paper_width_mm)
        self.printed_count += 1

    def close(self) -> None:
        """Nothing to release: the file is opened per ticket."""
