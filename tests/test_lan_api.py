"""The LAN API over real HTTP on 127.0.0.1: tokens, staff actions, the board stream.

Tokens are the simulation config's public demo tokens (loket1-demo ...).
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import os
import socket
import struct
import subprocess
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import Config, LanApiConfig
from kiosk.lan.server import LanApi
from kiosk.queue.calling_view import calling_service
from kiosk.queue.numbering import Numbering
from tests.conftest import MovableClock

TOKENS = {1: "loket1-demo", 2: "loket2-demo", 3: "loket3-demo"}
CHROMIUM = Path("/usr/bin/chromium")
# Set to a folder to keep the web board's screenshots for a look (they are made either way).
ARTIFACTS = Path(os.environ["KIOSK_TEST_ARTIFACTS"]) if os.environ.get(
    "KIOSK_TEST_ARTIFACTS") else None


class Client:
    """A tiny JSON client over one http.client connection per request."""

    def __init__(self, api: LanApi) -> None:
        self.port = api.port

    def request(self, method: str, path: str, token: str | None = None,
                body: Any = None, raw: bytes | None = None) -> tuple[int, dict, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None
                                            else None)
        if method == "POST" and data is None:
            data = b""
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            kind = response.getheader("Content-Type", "")
            parsed = json.loads(payload) if kind.startswith("application/json") else {
                "text": payload.decode()}
            return response.status, parsed, dict(response.getheaders())
        finally:
            conn.close()

    def act(self, counter: int, action: str, token: str | None = None,
            body: Any = None) -> tuple[int, dict]:
        token = TOKENS.get(counter) if token is None else token
        status, data, _ = self.request("POST", f"/api/v1/counters/{counter}/{action}", token,
                                       body)
        return status, data


@pytest.fixture
def issue(db, config: Config, clock: MovableClock):
    def take(lanes: str) -> list[str]:
        day = calling_service(config, db, clock).today()
        numbering = Numbering(db, config.office.code, "KUP-SIM1")
        return [numbering.take(lane, day, None, clock()).label for lane in lanes]
    return take


@pytest.fixture
def calls() -> list[tuple[str, int]]:
    return []


@pytest.fixture
def api(config: Config, clock: MovableClock, calls):
    server = LanApi(config, on_call=lambda label, counter: calls.append((label, counter)),
                    clock=clock, port=0, poll_s=0.1).start()
    yield server
    server.close()


@pytest.fixture
def client(api: LanApi) -> Client:
    return Client(api)


def test_listens_only_where_config_says(config: Config, clock) -> None:
    cfg = dataclasses.replace(config, lan_api=LanApiConfig("127.0.0.1", 0))
    with LanApi(cfg, clock=clock) as server:
        assert server.server.server_address[0] == "127.0.0.1"
        assert server.url == f"http://127.0.0.1:{server.port}"


def test_a_taken_port_is_an_error_at_start(api: LanApi, config: Config, clock) -> None:
    with pytest.raises(OSError):
        LanApi(config, clock=clock, host="127.0.0.1", port=api.port)


def test_ipv6_loopback(config: Config, clock) -> None:
    try:
        server = LanApi(config, clock=clock, host="::1", port=0)
    except OSError as exc:
        pytest.skip(f"no IPv6 loopback here: {exc}")
    with server:
        assert server.url.startswith("http://[::1]:")
        conn = http.client.HTTPConnection("::1", server.port, timeout=5)
        conn.request("GET", "/health")
        assert conn.getresponse().status == 200
        conn.close()


def test_health_and_board_need_no_token(client: Client) -> None:
    status, data, _ = client.request("GET", "/health")
    assert (status, data["ok"], data["office"]) == (200, True, "KUP")
    status, page, headers = client.request("GET", "/board")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    text = page["text"]
    assert "Panggilan Terakhir" in text and "Jumlah Menunggu" in text
    assert "EventSource" in text
    # Self-contained: a lobby TV may have no internet at all.
    for external in ('src="http', "src='http", 'href="http', "@import", "url(http"):
        assert external not in text


@pytest.mark.parametrize("token", ["", "wrong", "LOKET1-DEMO", "loket1-demoX"])
def test_requests_without_a_valid_token_are_refused(client: Client, issue, db, token) -> None:
    issue("A")
    status, data = client.act(1, "next", token=token)
    assert status == 401
    assert "token" in data["error"].lower()
    for path in ("/api/v1/queue", "/api/v1/counters/1"):
        assert client.request("GET", path, token)[0] == 401
    status, _, _ = client.request("POST", "/api/v1/counters/1/next",
                                  raw=b"", token=None)
    assert status == 401
    assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == 0


def test_unauthorized_reply_names_the_scheme(client: Client) -> None:
    status, _, headers = client.request("POST", "/api/v1/counters/1/next", "nope")
    assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
    # The token is checked before the body is looked at.
    assert client.request("POST", "/api/v1/counters/1/call", None, raw=b"{bad")[0] == 401


def test_a_counters_token_acts_only_for_that_counter(client: Client, issue, db) -> None:
    issue("AAA")
    for counter, token in ((1, TOKENS[2]), (2, TOKENS[1]), (9, TOKENS[1])):
        status, data = client.act(counter, "next", token=token)
        assert status == 403, (counter, data)
        assert f"loket {counter}" in data["error"]
    assert client.request("GET", "/api/v1/counters/2", TOKENS[3])[0] == 403
    assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == 0
    assert client.request("GET", "/api/v1/queue", TOKENS[3])[0] == 200  # any counter may read


def test_counter_without_token_hash_cannot_use_the_api(config: Config, clock, issue) -> None:
    counters = tuple(dataclasses.replace(c, token_hash=None) if c.number == 3 else c
                     for c in config.counters)
    with LanApi(dataclasses.replace(config, counters=counters), clock=clock, port=0) as server:
        issue("B")
        assert Client(server).act(3, "next")[0] == 401
        assert Client(server).act(1, "next")[0] == 200


def test_next_recall_served_flow(client: Client, issue, calls) -> None:
    issue("AAP")
    status, data = client.act(1, "next")
    assert status == 200
    assert data["ticket"]["label"] == "P001"  # a waiting priority ticket goes first
    assert data["ticket"]["status"] == "called" and data["ticket"]["counter"] == 1

    status, data = client.act(1, "recall")
    assert (status, data["ticket"]["label"], data["ticket"]["recalls"]) == (200, "P001", 1)

    status, info, _ = client.request("GET", "/api/v1/counters/1", TOKENS[1])
    assert status == 200
    assert info["ticket"]["label"] == "P001" and info["max_recalls"] == 3
    assert info["waiting"] == {"A": 2, "B": 0, "P": 0}

    status, data = client.act(1, "served")
    assert (status, data["ticket"]["status"]) == (200, "served")
    status, data = client.act(1, "served")
    assert status == 409 and data["reason"] == "no_current"
    assert "belum memanggil" in data["error"]

    assert client.act(1, "next")[1]["ticket"]["label"] == "A001"
    # "next" ends the current applicant as served and calls the following one.
    assert client.act(1, "next")[1]["ticket"]["label"] == "A002"
    status, data = client.act(1, "next")
    assert status == 200 and data["ticket"] is None
    assert "Tidak ada yang menunggu" in data["message"]
    assert calls == [("P001", 1), ("P001", 1), ("A001", 1), ("A002", 1)]


def test_no_show_needs_recalls_first(client: Client, issue) -> None:
    issue("A")
    client.act(2, "next")
    status, data = client.act(2, "no-show")
    assert (status, data["reason"]) == (409, "recall_first")
    assert "A001" in data["error"] and "masih 3 kali lagi" in data["error"]
    for _ in range(3):
        client.act(2, "recall")
    status, data = client.act(2, "no-show")
    assert (status, data["ticket"]["status"]) == (200, "no_show")


def test_call_a_specific_number(client: Client, issue, calls) -> None:
    issue("AAAB")
    status, data = client.act(2, "call", body={"label": " a003"})
    assert (status, data["ticket"]["label"]) == (200, "A003")
    assert calls == [("A003", 2)]
    status, data = client.act(2, "call", body={"label": "A003"})
    assert (status, data["reason"]) == (409, "not_waiting")
    status, data = client.act(2, "call", body={"label": "A099"})
    assert (status, data["reason"]) == (404, "not_found")
    status, data = client.act(3, "call", body={"label": "A001"})
    assert (status, data["reason"]) == (409, "lane_not_served")
    for body in ({}, {"label": 12}, {"label": ""}):
        assert client.act(2, "call", body=body)[0] == 400
    status, data, _ = client.request("POST", "/api/v1/counters/2/call", TOKENS[2],
                                     raw=b"{not json")
    assert status == 400 and "JSON" in data["error"]
    assert len(calls) == 1


def test_queue_shows_waiting_now_serving_and_last_calls(client: Client, issue) -> None:
    issue("AAB")
    client.act(3, "next")
    client.act(1, "next")
    client.act(3, "recall")
    status, data, _ = client.request("GET", "/api/v1/queue", TOKENS[1])
    assert status == 200
    assert data["waiting"] == {"A": 1, "B": 0, "P": 0}
    assert [(s["counter"], s["label"]) for s in data["now_serving"]] == [(1, "A001"),
                                                                          (3, "B001")]
    assert [(c["label"], c["counter"], c["kind"]) for c in data["last_calls"]] == [
        ("B001", 3, "recall"), ("A001", 1, "call"), ("B001", 3, "call")]


def test_errors_are_json_with_a_plain_message(client: Client) -> None:
    cases = [("GET", "/nowhere", 404), ("POST", "/api/v1/counters/1/dance", 404),
             ("GET", "/api/v1/counters/1/next", 405), ("POST", "/health", 405)]
    for method, path, expected in cases:
        status, data, headers = client.request(method, path, TOKENS[1])
        assert status == expected, path
        assert headers["Content-Type"].startswith("application/json")
        assert isinstance(data["error"], str) and data["error"]
    status, data, _ = client.request("POST", "/api/v1/counters/1/call", TOKENS[1],
                                     raw=b"x" * 5000)
    assert status == 413


def test_on_call_failure_does_not_fail_the_call(config: Config, clock, issue) -> None:
    def broken(label: str, counter: int) -> None:
        raise OSError("speaker unplugged")

    with LanApi(config, on_call=broken, clock=clock, port=0) as server:
        issue("A")
        status, data = Client(server).act(1, "next")
        assert (status, data["ticket"]["label"]) == (200, "A001")


def test_two_counters_calling_at_once_never_get_the_same_ticket(client: Client, issue) -> None:
    issued = issue("ABP" * 14)
    got: dict[int, list[str]] = {1: [], 2: []}
    start = threading.Barrier(2)

    def press_next(counter: int) -> None:
        start.wait()
        while True:
            status, data = client.act(counter, "next")
            assert status == 200
            if data["ticket"] is None:
                return
            got[counter].append(data["ticket"]["label"])

    threads = [threading.Thread(target=press_next, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    everyone = got[1] + got[2]
    assert len(everyone) == len(set(everyone)), "a ticket was called twice"
    assert sorted(everyone) == sorted(issued)
    assert got[1] and got[2]


# -- connection handling -------------------------------------------------------------


def dribble(sock: socket.socket, every_s: float, limit_s: float) -> tuple[float, bytes]:
    """Send one more header line every ``every_s`` until the server hangs up: (after, reply)."""
    started = time.monotonic()
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: kiosk\r\n")
    line = 0
    while time.monotonic() - started < limit_s:
        sock.settimeout(every_s)
        try:
            reply = sock.recv(4096)
        except TimeoutError:
            line += 1
            try:
                sock.sendall(b"X-Slow-%d: still typing\r\n" % line)
            except (BrokenPipeError, ConnectionResetError):
                return time.monotonic() - started, b""
            continue
        except ConnectionResetError:
            reply = b""
        return time.monotonic() - started, reply
    raise AssertionError(f"still connected after {limit_s} s")


def test_a_client_sending_its_headers_slowly_is_dropped(config, clock) -> None:
    """One header line every 0.2 s never finishes a request: the deadline is for all of it."""
    with LanApi(config, clock=clock, port=0, request_timeout_s=1.0) as server:
        slow = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(5)]
        results: list[tuple[float, bytes]] = []
        threads = [threading.Thread(target=lambda s=s: results.append(dribble(s, 0.2, 15)))
                   for s in slow]
        for thread in threads:
            thread.start()
        for _ in range(5):  # the API answers everyone else meanwhile
            assert Client(server).request("GET", "/health")[0] == 200
        for thread in threads:
            thread.join(20)
        for sock in slow:
            sock.close()
        assert len(results) == 5
        for after, reply in results:
            # Dropped at its 1 s deadline, not at once (timed from the dribble's first line,
            # which a busy machine may start a little after the connection's clock).
            assert 0.5 <= after < 10, after
            assert reply.startswith(b"HTTP/1.1 408 "), reply


def test_a_connection_that_never_sends_a_request_is_closed(config, clock) -> None:
    with LanApi(config, clock=clock, port=0, request_timeout_s=0.5) as server, \
            socket.create_connection(("127.0.0.1", server.port)) as silent:
        silent.settimeout(10)
        started = time.monotonic()
        assert silent.recv(4096).startswith(b"HTTP/1.1 408 ")
        assert silent.recv(4096) == b""  # and closed
        assert time.monotonic() - started < 10


def test_keep_alive_requests_each_get_the_full_deadline(config, clock) -> None:
    """The deadline is per request: a kept-alive connection lives on request after request."""
    with LanApi(config, clock=clock, port=0, request_timeout_s=0.5) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        try:
            for _ in range(4):
                conn.request("GET", "/health")
                response = conn.getresponse()
                assert response.status == 200 and json.loads(response.read())["ok"]
                time.sleep(0.3)  # 4 x 0.3 s on one connection: longer than one deadline
            assert conn.sock is not None  # the same connection throughout
        finally:
            conn.close()


# -- the board stream ----------------------------------------------------------------


class EventStream:
    """Reads server-sent events with http.client, each read bounded by a timeout."""

    def __init__(self, port: int, timeout: float = 10.0) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.conn.request("GET", "/board/events")
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type").startswith("text/event-stream")

    def next_state(self) -> dict:
        data = []
        while True:
            line = self.response.fp.readline().decode()
            if not line:
                raise EOFError("stream ended")
            line = line.rstrip("\n")
            if line.startswith("data: "):
                data.append(line[6:])
            elif line == "" and data:
                return json.loads("\n".join(data))

    def until(self, condition, seconds: float = 10.0) -> dict:
        """The first pushed state that meets ``condition``, within ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            state = self.next_state()
            if condition(state):
                assert time.monotonic() <= deadline, f"pushed later than {seconds} s"
                return state
        raise AssertionError(f"no matching board state within {seconds} s")

    def close(self) -> None:
        self.conn.close()


def serving(state: dict) -> dict[int, str | None]:
    return {c["number"]: c["label"] for c in state["counters"]}


def test_board_stream_pushes_a_call_within_a_second(client: Client, api: LanApi,
                                                    issue) -> None:
    issue("AB")
    stream = EventStream(api.port)
    try:
        first = stream.until(lambda s: s["lanes"][0] == {"code": "A", "name": "Antrian Umum",
                                                          "waiting": 1})
        assert serving(first) == {1: None, 2: None, 3: None}
        assert first["notice"] and first["office"].startswith("Kantor Imigrasi")

        client.act(2, "next")
        state = stream.until(lambda s: serving(s)[2] == "B001")
        assert state["newest"] == {"label": "B001", "counter": 2, "counter_name": "Loket 2",
                                   "kind": "call",  # the fields before issue 13, and added:
                                   "recalls": 0, "lane": "B", "service": "Online",
                                   "service_en": "Online booking", "stage": None}
        assert state["counters"][1]["service"] == "Online"
        assert state["day"] == "2026-11-25"
        assert [c["newest"] for c in state["counters"]] == [False, True, False]
        assert state["last_calls"][0]["at"] == "09:00"  # office time (WITA), not UTC
    finally:
        stream.close()


def test_board_stream_sees_calls_made_by_other_processes(api: LanApi, config, clock, db,
                                                         issue) -> None:
    issue("A")
    stream = EventStream(api.port)
    try:
        # Another connection, as the kiosk's staff screen or `kiosk call` would use.
        assert calling_service(config, db, clock).call_next(1).label == "A001"
        stream.until(lambda s: serving(s)[1] == "A001")
    finally:
        stream.close()


def test_board_stream_ends_after_its_lifetime(config, clock) -> None:
    with LanApi(config, clock=clock, port=0, stream_s=0.3) as server:
        stream = EventStream(server.port)
        stream.next_state()
        with pytest.raises(EOFError):
            stream.next_state()  # the browser reconnects by itself (retry: 2000)
        stream.close()


# -- the web board in a real browser -----------------------------------------------------


def run_chromium(url: str, tmp_path: Path, *extra: str, size: tuple[int, int] = (1280, 720)
                 ) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile{len(list(tmp_path.glob('profile*')))}"
    return subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}",
         "--hide-scrollbars", "--virtual-time-budget=3000", *extra, url],
        capture_output=True, timeout=60, check=False)


def drawn_rows(png: Path) -> float:
    """The share of the screenshot's pixel rows with something drawn in the counters' part
    (the left 70 %), i.e. not all black."""
    from PIL import Image

    with Image.open(png) as image:
        gray = image.convert("L")
        width, height = gray.size
        left = gray.crop((0, 0, int(width * 0.7), height))
        rows = sum(1 for y in range(height)
                   if left.crop((0, y, left.width, y + 1)).getextrema()[1] > 40)
    return rows / height


class BoardDom(HTMLParser):
    """What the web board drew: its layout record, last-call labels, date, counter services."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.layout: dict = {}
        self.last_labels: list[str] = []
        self.texts: dict[str, str] = {}
        self.services: list[str] = []
        self._in: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attr = dict(attrs)
        if tag == "body" and attr.get("data-layout"):
            self.layout = json.loads(attr["data-layout"])
        if tag == "li" and attr.get("data-label"):
            self.last_labels.append(attr["data-label"])
        if attr.get("id") in ("date", "clock") or attr.get("class") == "service":
            self._in = attr.get("id") or "service"

    def handle_data(self, data: str) -> None:
        if self._in == "service":
            self.services.append(data)
        elif self._in:
            self.texts[self._in] = self.texts.get(self._in, "") + data

    def handle_endtag(self, tag: str) -> None:
        self._in = None


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed "
                    "(/usr/bin/chromium missing; `apt-get install chromium`)")
@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_web_board_in_headless_chromium(config, clock, issue, tmp_path: Path, size) -> None:
    """Issue 13: the board used the top third of a 1080p TV, repeated a recalled number in
    "last calls" and showed neither the date nor what each call is for."""
    # Streams end quickly here: headless Chromium's virtual clock stands still while
    # a request is open, so an endless stream would never let the 3 s budget run out.
    with LanApi(config, clock=clock, port=0, stream_s=0.5) as server:
        issue("AAB")
        client = Client(server)
        status, data = client.act(2, "call", body={"label": "A002"})
        assert status == 200
        assert client.act(1, "next")[0] == 200  # A001 to counter 1
        for _ in range(2):
            assert client.act(2, "recall")[0] == 200  # A002 again, twice
        url = f"{server.url}/board"
        shot = ARTIFACTS / f"board-{size[0]}x{size[1]}.png" if ARTIFACTS else \
            tmp_path / "board.png"
        result = run_chromium(url, tmp_path, f"--screenshot={shot}", size=size)
        assert result.returncode == 0, result.stderr.decode()[-2000:]
        assert shot.exists() and shot.stat().st_size > 10_000
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert shot.read_bytes()[16:24] == struct.pack(">II", *size)
        assert drawn_rows(shot) >= 0.9  # not a band at the top and a black screen below

        dom = run_chromium(url, tmp_path, "--dump-dom", size=size)
        assert dom.returncode == 0, dom.stderr.decode()[-2000:]
        html = dom.stdout.decode()
        assert "A002" in html
        assert 'class="counter newest" data-counter="2"' in html
        assert 'data-live="1"' in html  # the event stream reached the page
        board = BoardDom(html)
        layout = board.layout
        # (--dump-dom's viewport is shorter than the window: the ratios are to its own.)
        height = layout["height"]
        assert layout["width"] == size[0]
        # The page fills the screen: header, counters and lists down to the notice line,
        # and the counter boxes fill the space between them.
        assert layout["main"] >= 0.8 * height, layout
        assert layout["page_bottom"] >= 0.99 * height, layout
        counters = layout["counters_bottom"] - layout["counters_top"]
        assert counters >= 0.9 * layout["main"] - 0.04 * height, layout
        # Each number once in "last calls"; the newest first (the recall moved A002 up).
        assert board.last_labels[0] == "A002" and len(board.last_labels) == 2
        assert len(set(board.last_labels)) == len(board.last_labels)
        assert "dipanggil ulang 2\u00d7" in html
        assert "Antrian Umum" in board.services  # the service with each call
        assert board.texts["date"] == "Rabu, 25 November 2026", board.texts
