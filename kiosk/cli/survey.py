"""`kiosk survey`: the satisfaction survey station (SKM), a full-screen Textual app.

Like `kiosk board`, it becomes its own program (``python -m screens.survey``):
the CLI is domain-side and never imports the UI (tests/test_architecture.py).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.config import Config


def register(sub: argparse._SubParsersAction) -> None:
    survey = sub.add_parser("survey", help="full-screen satisfaction survey station (SKM)")
    survey.add_argument("--mode", choices=("full", "quick"),
                        help="override [survey] mode: full = nine elements (the IKM), "
                        "quick = one question, reported apart")
    survey.add_argument("--url", help="on another machine: the kiosk's LAN server, e.g. "
                        "http://192.168.1.20:8470 (default: [survey] kiosk_url, else this "
                        "machine's store)")


def dispatch(args: argparse.Namespace, config: Config) -> int | None:
    """Run `kiosk survey`; None when the command is someone else's."""
    if getattr(args, "command", None) != "survey":
        return None
    from kiosk.cli.calling import _exec_module

    url = args.url or config.survey.kiosk_url  # [survey] kiosk_url: a station on another Pi
    extra = (["--mode", args.mode] if args.mode else []) + (["--url", url] if url else [])
    return _exec_module("screens.survey", ["--config", str(config.path.resolve()), *extra])
