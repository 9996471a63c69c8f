"""`kiosk counter`: a thin Textual client for counter staff, talking to the kiosk's LAN API.

The kiosk stays the office's authority: this app keeps no queue state of its
own, only what the API last said. Every request runs in a worker thread with
a short timeout, so a kiosk that is off or a cable that is out shows up as a
plain notice on screen (and the app keeps retrying) instead of a frozen
terminal. One press at a time: a second "next" while the first is still on
the wire would call two applicants to one desk.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Static

from screens.bigtext import big_size, render_big

if TYPE_CHECKING:
    from collections.abc import Sequence

TOKEN_ENV = "KIOSK_COUNTER_TOKEN"
DEFAULT_URL = "http://127.0.0.1:8470"
POLL_S = 3.0  # waiting counts change as tickets are issued; a few seconds is fresh enough
TIMEOUT_S = 3.0
DOUBLE_CLICK_S = 0.5  # a second click of the same button this soon is the same press


class ApiProblem(Exception):
    """The kiosk answered with a refusal (``status`` set) or could not be reached (None)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message, self.status = message, status


class CounterApi:
    """The LAN API as one counter sees it (stdlib urllib: nothing to install on staff PCs)."""

    def __init__(self, url: str, counter: int, token: str, timeout: float = TIMEOUT_S) -> None:
        self.url, self.counter, self.token, self.timeout = url.rstrip("/"), counter, token, timeout

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
        data = json.dumps(body or {}).encode() if method == "POST" else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            try:
                message = json.loads(exc.read()).get("error", exc.reason)
            except (ValueError, AttributeError):
                message = str(exc.reason)
            raise ApiProblem(str(message), exc.code) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ApiProblem(f"Kiosk tidak dapat dihubungi di {self.url} ({reason}). Periksa "
                             "kabel jaringan dan pastikan kiosk menyala; mencoba lagi otomatis. "
                             "/ The kiosk cannot be reached; retrying.") from None

    def info(self) -> dict[str, Any]:
        return self._request("GET", f"/api/v1/counters/{self.counter}")

    def act(self, action: str, label: str | None = None) -> dict[str, Any]:
        body = {"label": label} if label else None
        return self._request("POST", f"/api/v1/counters/{self.counter}/{action}", body)


ACTION_TEXT = {  # shown after success, Indonesian first like every staff message
    "next": "Memanggil {label}",
    "recall": "Memanggil ulang {label}",
    "served": "{label} selesai dilayani",
    "no-show": "{label} ditandai tidak hadir",
    "send": "{label} dikirim ke tahap {stage}",
}


class CounterClientApp(App[None]):
    """Next (N), recall (R), served (S), no-show (X) for one counter; send on (K, *kirim*)
    to the next stage of a multi-stage visit."""

    TITLE = "Loket"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("n", "act('next')", "Berikutnya"),
        Binding("r", "act('recall')", "Panggil ulang"),
        Binding("s", "act('served')", "Selesai"),
        Binding("x", "act('no-show')", "Tidak hadir"),
        Binding("k", "act('send')", "Kirim ke tahap berikut"),
    ]
    CSS = """
    Screen { background: black; color: white; }
    #title { text-style: bold; background: $primary-darken-2; width: 100%; padding: 0 1; }
    #connection { background: red; color: white; text-style: bold; padding: 0 1; width: 100%; }
    #ticket { color: yellow; text-style: bold; width: 100%; text-align: center;
              margin: 1 0 0 0; }
    #recalls, #waiting { width: 100%; text-align: center; }
    #buttons { height: auto; align: center middle; margin: 1 0; }
    #buttons Button { margin: 0 1; }
    #message { width: 100%; text-align: center; text-style: bold; color: cyan; }
    #message.refused { color: black; background: yellow; }
    """

    def __init__(self, api: CounterApi, poll_s: float = POLL_S) -> None:
        super().__init__()
        self.api, self.poll_s = api, poll_s
        self.info: dict[str, Any] | None = None
        self.busy = False
        self.reachable: bool | None = None
        self._last_click: tuple[str, float] | None = None  # button id, time.monotonic()

    def compose(self) -> ComposeResult:
        yield Static(escape(f"Loket {self.api.counter} \u2014 {self.api.url}"), id="title")
        yield Static("", id="connection")
        yield Static("", id="ticket")
        yield Static("", id="recalls")
        yield Static("", id="waiting")
        with Horizontal(id="buttons"):
            yield Button("Berikutnya (N)", id="next", variant="success")
            yield Button("Panggil ulang (R)", id="recall", variant="primary")
            yield Button("Selesai (S)", id="served")
            yield Button("Tidak hadir (X)", id="no-show", variant="error")
            # Shown while the current applicant is on a multi-stage visit.
            yield Button("Kirim (K)", id="send", variant="warning")
        yield Static("", id="message")

    def on_mount(self) -> None:
        self.query_one("#connection", Static).display = False
        self._show_ticket(None)
        self.query_one("#send", Button).display = False
        self.refresh_info()
        self.set_interval(self.poll_s, self.refresh_info)

    # -- talking to the kiosk (worker threads) ----------------------------------

    @work(thread=True, group="api")
    def refresh_info(self) -> None:
        if self.busy:  # the action's own reply is about to redraw everything
            return
        try:
            info = self.api.info()
        except ApiProblem as problem:
            self.call_from_thread(self._problem, problem)
            return
        self.call_from_thread(self._show_info, info)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if not event.button.id:
            return
        # A nervous double click (or a double tap on a touch screen) is one press.
        # Textual's Button ignores clicks only during its 0.2 s press effect, and the
        # "busy" flag below only while the first call is on its way: on a fast LAN the
        # reply can be back before a second click 0.3 s later, which would call the next
        # applicant. Keys are not filtered: each key press is meant.
        now = time.monotonic()
        last = self._last_click
        self._last_click = (event.button.id, now)
        if last is not None and last[0] == event.button.id and now - last[1] < DOUBLE_CLICK_S:
            return
        self.action_act(event.button.id)

    def action_act(self, action: str) -> None:
        if self.busy:
            return
        self.busy = True
        self._send(action)

    @work(thread=True, group="api")
    def _send(self, action: str) -> None:
        try:
            reply = self.api.act(action)
            info = self.api.info()
        except ApiProblem as problem:
            self.call_from_thread(self._done, action, None, problem)
            return
        self.call_from_thread(self._done, action, reply, None)
        self.call_from_thread(self._show_info, info)

    # -- drawing (UI thread) ----------------------------------------------------

    def _done(self, action: str, reply: dict[str, Any] | None,
              problem: ApiProblem | None) -> None:
        self.busy = False
        if problem is not None:
            self._problem(problem)
            return
        assert reply is not None
        ticket = reply.get("ticket")
        if ticket is None:
            self._message(reply.get("message", "Tidak ada yang menunggu"), refused=True)
        else:
            self._message(ACTION_TEXT[action].format(label=ticket["label"],
                                                     stage=ticket.get("sent_to") or ""))

    def _problem(self, problem: ApiProblem) -> None:
        if problem.status is None:
            self.reachable = False
            banner = self.query_one("#connection", Static)
            banner.update(escape(problem.message))
            banner.display = True
            return
        self._set_reachable()
        hint = ""
        if problem.status in (401, 403):
            hint = f" Minta token loket {self.api.counter} yang benar ke admin kantor."
        self._message(problem.message + hint, refused=True)

    def _set_reachable(self) -> None:
        self.reachable = True
        self.query_one("#connection", Static).display = False

    def _message(self, text: str, refused: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.update(escape(text))
        message.set_class(refused, "refused")

    def _show_info(self, info: dict[str, Any]) -> None:
        self._set_reachable()
        self.info = info
        self.title = f"Loket {info['counter']}"
        self.query_one("#title", Static).update(
            escape(f"{info['name']} \u2014 {self.api.url}"))
        ticket = info.get("ticket")
        self._show_ticket(ticket["label"] if ticket else None)
        recalls = self.query_one("#recalls", Static)
        self.query_one("#send", Button).display = bool(ticket and ticket.get("stage"))
        if ticket:
            stage = f" \u00b7 tahap {ticket['stage']}" if ticket.get("stage") else ""
            recalls.update(f"Dipanggil ulang {ticket['recalls']}/{info['max_recalls']} kali"
                           + ("" if ticket["no_show_allowed"] else
                              f" (tidak hadir baru boleh setelah {info['max_recalls']} kali)")
                           + stage)
        else:
            recalls.update("Belum ada yang dipanggil. Tekan N untuk memanggil berikutnya.")
        waiting = ", ".join(f"{lane}: {n}" for lane, n in sorted(info["waiting"].items()))
        self.query_one("#waiting", Static).update(f"Menunggu \u2014 {waiting}")

    def _show_ticket(self, label: str | None) -> None:
        text = label or "---"
        width, _ = big_size(text, 1)
        shown = render_big(text, 1) if label and width <= self.size.width - 2 else text
        self.query_one("#ticket", Static).update(shown)
        self.current_label = label


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m screens.counter_client --counter 3 [--url URL] [--token TOKEN]``.

    The token may come from $KIOSK_COUNTER_TOKEN instead (keeps it out of ``ps``),
    or is asked for.
    """
    parser = argparse.ArgumentParser(prog="kiosk counter", description="counter terminal")
    parser.add_argument("--counter", type=int, required=True)
    parser.add_argument("--url", default=DEFAULT_URL, help=f"kiosk LAN API (default {DEFAULT_URL})")
    parser.add_argument("--token", help=f"this counter's token (default: ${TOKEN_ENV}, "
                        "or asked for)")
    args = parser.parse_args(argv)
    token = args.token or os.environ.get(TOKEN_ENV) or getpass.getpass(
        f"Token loket {args.counter}: ")
    if not token.strip():
        print("Token kosong / no token given.", file=sys.stderr)
        return 2
    CounterClientApp(CounterApi(args.url, args.counter, token.strip())).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
