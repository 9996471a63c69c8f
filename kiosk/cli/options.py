"""The options every `kiosk` command takes, wherever users put them (--config, --lang)."""

from __future__ import annotations

import argparse


class GlobalOptionsParser(argparse.ArgumentParser):
    """A parser that takes the global options (--config, --lang) itself.

    Subparsers are made of the parser's own class (argparse's add_subparsers), so
    every command and sub-command accepts them wherever users put them: `kiosk
    --config F issue walkin` and `kiosk issue walkin --config F` are the same. Their
    default is SUPPRESS, so a command's parser never overwrites a value given before
    the command name; the top-level parser sets the real defaults (None).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_argument("--config", default=argparse.SUPPRESS,
                          help="config file (default: $KIOSK_CONFIG or config/kiosk.toml)")
        self.add_argument("--lang", choices=("id", "en"), default=argparse.SUPPRESS,
                          help="language of messages and tickets")


GLOBAL_DEFAULTS = {"config": None, "lang": None}
