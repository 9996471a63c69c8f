"""The issued-ticket screen: the number huge, people ahead and the wait, then back home."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from kiosk.texts import t
from kiosk.texts.wait import wait_line
from screens.bigtext import BigNumber
from screens.countdown import CountdownScreen
from screens.notify_offer import OFFER_KEY, offer_button, offer_from, offered

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from kiosk.queue.issuing import Issued

# An unprinted number must stay up long enough to be photographed.
UNPRINTED_FACTOR = 4


class TicketScreen(CountdownScreen):
    BINDINGS = [OFFER_KEY]

    def __init__(self, issued: Issued, seconds: float) -> None:
        super().__init__()
        self.issued = issued
        self.remaining = int(seconds * (1 if issued.printed else UNPRINTED_FACTOR))

    def compose(self) -> ComposeResult:
        lang = self.app.language
        ticket = self.issued.ticket
        with Horizontal(id="ticket-row"):
            with Vertical(id="ticket-main"):
                yield Static(t("ticket.your_number", lang), classes="title")
                yield BigNumber(ticket.label, classes="big", id="number")
                yield Static(self.issued.content.lane_name, classes="lane", id="lane")
                if ticket.ahead is not None:  # None: the count could not be read
                    ahead = (t("ticket.ahead", lang, ahead=ticket.ahead) if ticket.ahead
                             else t("ticket.ahead_none", lang))
                    yield Static(ahead, classes="hint", id="ahead")
                if self.issued.content.wait is not None:
                    yield Static(wait_line(self.issued.content.wait, lang), classes="hint",
                                 id="wait")
                if self.issued.printed:
                    yield Static(t("ticket.take", lang), classes="quota", id="take")
                    yield Static(t("ticket.instruction", lang), classes="hint")
                else:
                    yield Static(t("ticket.not_printed", lang), classes="error", id="not-printed")
                if offered(self.app):
                    yield offer_button(self.app)
                yield Static("", classes="countdown", id="countdown")
            preview = self.app.simulation.ticket_preview() if self.app.simulation else None
            if preview and self.app.size.width >= 100:
                yield Static(preview, id="preview")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "notify-offer":
            self.action_notify_offer()

    def action_notify_offer(self) -> None:
        offer_from(self, [self.issued.ticket])
