"""`kiosk call | recall | served | send | board | counter | serve-api | api-token`.

The four staff actions work straight on the store (same transactions as
the API and the staff screen), for a counter whose terminal is broken or for
scripts: they print the label, or a plain sentence and a non-zero exit code
when there is nothing to do.

`kiosk board` and `kiosk counter` are full-screen Textual apps. This module is
domain-side and never imports the UI (tests/test_architecture.py), so it
starts them as their own program (``python -m screens.board``), replacing
this process: the same thing the user asked for, with no import of screens/.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:

    from kiosk.config import Config

EXIT_CONFIG, EXIT_USAGE, EXIT_NOTHING = 1, 2, 3
TOKEN_ENV = "KIOSK_COUNTER_TOKEN"  # read by screens/counter_client.py
ACTION_COMMANDS = ("call", "recall", "served", "send")


def register(sub: argparse._SubParsersAction) -> None:
    for name, help_text in (
        ("call", "call the next applicant (or --label A012) to a counter"),
        ("recall", "announce a counter's current applicant again"),
        ("served", "mark a counter's current applicant as served"),
        ("send", "send a counter's current applicant on to the next stage (or --to STAGE)"),
    ):
        parser = sub.add_parser(name, help=help_text)
        parser.add_argument("--counter", type=int, required=True)
        if name == "call":
            parser.add_argument("--label", help="call this waiting ticket out of order")
        if name == "send":
            parser.add_argument("--to", help="the stage to send to, e.g. foto (default: the "
                                "next stage of the visit)")
    sub.add_parser("board", help="full-screen lobby board (reads the store)")
    counter = sub.add_parser("counter", help="counter terminal for the kiosk's LAN API")
    counter.add_argument("--counter", type=int, required=True)
    counter.add_argument("--url", help="kiosk LAN API (default: from [lan_api] listen)")
    counter.add_argument("--token", help=f"the counter's token (default: ${TOKEN_ENV}, "
                         "or asked for)")
    serve = sub.add_parser("serve-api", help="run only the LAN API, in the foreground")
    serve.add_argument("--listen", help="override [lan_api] listen, e.g. 127.0.0.1:8470")
    token = sub.add_parser("api-token", help="make a new token for one counter")
    token.add_argument("--counter", type=int, required=True)


def _calling(config: Config):
    from kiosk import store
    from kiosk.clock import utc_now
    from kiosk.queue.calling_view import calling_service

    return calling_service(config, store.connect(config.database), utc_now)


def _act(args: argparse.Namespace, config: Config) -> int:
    from kiosk.lan.api import refusal
    from kiosk.queue.calling import CallRefused

    calling = _calling(config)
    try:
        if args.counter not in calling.counters:
            print(f"Loket {args.counter} tidak ada / no counter {args.counter}; configured: "
                  f"{', '.join(map(str, sorted(calling.counters)))}", file=sys.stderr)
            return EXIT_USAGE
        if args.command == "call" and args.label:
            result = calling.call_specific(args.counter, args.label)
        elif args.command == "call":
            result = calling.call_next(args.counter)
        elif args.command == "recall":
            result = calling.recall(args.counter)
        elif args.command == "send":
            result = calling.send(args.counter, args.to)
        else:
            result = calling.mark_served(args.counter)
    finally:
        calling.db.close()
    if result is None:
        print("Tidak ada yang menunggu / nobody is waiting", file=sys.stderr)
        return EXIT_NOTHING
    if isinstance(result, CallRefused):
        print(refusal(result, args.counter).message, file=sys.stderr)
        return EXIT_NOTHING
    if result.sent_to is not None:
        print(f"{result.label} -> {result.sent_to}")
        return 0
    print(result.label)
    return 0


def _local_url(config: Config) -> str:
    from kiosk.lan.api import local_url

    return local_url(config.lan_api.host, config.lan_api.port)


def _exec_module(module: str, arguments: list[str], env: dict[str, str] | None = None) -> int:
    """Become ``python -m module``: the terminal app owns the terminal from here on."""
    argv = [sys.executable, "-m", module, *arguments]
    os.execve(sys.executable, argv, env if env is not None else dict(os.environ))
    return 0  # not reached (execve replaces the process); kept for test doubles


def _serve_api(args: argparse.Namespace, config: Config) -> int:
    import dataclasses
    import signal

    from kiosk.config import parse_listen
    from kiosk.lan.server import LanApi
    from kiosk.queue.call_feed import CallFeed, FeedCall

    if args.listen:
        try:
            config = dataclasses.replace(config, lan_api=parse_listen(args.listen))
        except ValueError as exc:
            print(f"--listen: expected {exc}", file=sys.stderr)
            return EXIT_USAGE

    def announce(call: FeedCall) -> None:
        again = " (panggil ulang / recall)" if call.kind == "recall" else ""
        print(f"{call.label} -> loket {call.counter}{again}", flush=True)

    # The same feed as `kiosk run`: every call is printed once, whether it came
    # through this API, `kiosk call` or the kiosk itself.
    feed = CallFeed(config.database, config.office.code)
    feed.subscribe(announce)
    try:
        api = LanApi(config, on_call=lambda label, counter: feed.poke())
    except OSError as exc:
        feed.close()
        print(f"Tidak bisa mendengarkan di {config.lan_api.host}:{config.lan_api.port} / "
              f"cannot listen there: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    # systemd and `kill` send SIGTERM: stop as for Ctrl+C, closing the store cleanly.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    print(f"LAN API: {api.url}  (papan/board: {api.url}/board)", flush=True)
    feed.start()
    try:
        with contextlib.suppress(KeyboardInterrupt):
            api.serve_forever()
    finally:
        feed.close()
    return 0


def _api_token(args: argparse.Namespace) -> int:
    from kiosk.web.bearer import hash_token, new_token

    token = new_token()
    print(f"Token untuk loket {args.counter} (berikan ke petugas loket, simpan rahasia):")
    print(f"  {token}")
    print(f"Tambahkan di [[counters]] number = {args.counter} pada konfigurasi kiosk:")
    print(f'  token_hash = "{hash_token(token)}"')
    return 0


def dispatch(args: argparse.Namespace, config: Config) -> int | None:
    """Run one of this module's commands; None when the command is someone else's."""
    command = getattr(args, "command", None)
    if command in ACTION_COMMANDS:
        return _act(args, config)
    if command == "board":
        return _exec_module("screens.board", ["--config", str(config.path.resolve())])
    if command == "counter":
        env = dict(os.environ)
        if args.token:
            env[TOKEN_ENV] = args.token  # not on the new command line: `ps` shows those
        return _exec_module("screens.counter_client",
                            ["--counter", str(args.counter), "--url",
                             args.url or _local_url(config)], env)
    if command == "serve-api":
        return _serve_api(args, config)
    if command == "api-token":
        return _api_token(args)
    return None
