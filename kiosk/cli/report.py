"""`kiosk report`: a day's or a range's figures as a table, CSV, JSON or an HTML page.

Read-only: the store is opened, read and closed; nothing is written. A store
that does not exist is reported, not created (connecting would make an empty one).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from kiosk.config import Config

EXIT_NO_STORE, EXIT_USAGE = 1, 2
FORMATS = ("table", "csv", "json", "html")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "report", help="figures of a day or a range: issued, served, waits, counters, check-ins,"
        " refused presses, priority reasons, staff actions")
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--date", metavar="YYYY-MM-DD", help="one office day (default: today)")
    when.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD",
                      help="first day of a range (with --to; default --to: today)")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last day, inclusive")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--output", "-o", metavar="FILE",
                        help="write here instead of standard output")
    # --lang (the table's and page's language; default: the config's) is the global
    # option, which every command takes before or after its name (kiosk/cli/options.py).


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{option}: expected a date YYYY-MM-DD, got {text!r}") from None


def period(args: argparse.Namespace, today: date) -> tuple[date, date]:
    """(first, last) from --date / --from / --to; ValueError with a sentence for staff."""
    if args.date_to and not args.date_from:
        raise ValueError("--to needs --from (for one day use --date)")
    if args.date:
        day = _day(args.date, "--date")
        return day, day
    if args.date_from:
        first = _day(args.date_from, "--from")
        last = _day(args.date_to, "--to") if args.date_to else today
        if last < first:
            raise ValueError(f"--to {last} is before --from {first}")
        return first, last
    return today, today


def render(report, fmt: str, language: str) -> str:
    from kiosk.reports.html import render_html, render_table
    from kiosk.reports.machine_readable import CSV_HEADER, report_dict, report_rows

    if fmt == "json":
        return json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        writer.writerows(report_rows(report))
        return buffer.getvalue()
    if fmt == "html":
        return render_html(report, language)
    return render_table(report, language)


def default_html_name(office_code: str, first: date, last: date) -> str:
    span = first.isoformat() if first == last else f"{first.isoformat()}_{last.isoformat()}"
    return f"laporan-{office_code}-{span}.html"


def _run(args: argparse.Namespace, config: Config) -> int:
    from kiosk import store
    from kiosk.clock import utc_now
    from kiosk.queue.schedule import Schedule
    from kiosk.reports.day import build_report

    now = utc_now()
    today = Schedule(config.timezone, config.hours, config.holidays).office_day(now)
    try:
        first, last = period(args, today)
    except ValueError as exc:
        print(f"kiosk report: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not Path(config.database).exists():
        print(f"Belum ada data / no store yet: {config.database}", file=sys.stderr)
        return EXIT_NO_STORE
    db = store.connect(config.database)
    try:
        report = build_report(db, config, first, last, now)
    except ValueError as exc:
        print(f"kiosk report: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        db.close()
    language = getattr(args, "lang", None) or config.language
    text = render(report, args.format, language)
    output = args.output
    if output is None and args.format == "html" and sys.stdout.isatty():
        output = default_html_name(config.office.code, first, last)  # not HTML on a terminal
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"Tidak bisa menulis / cannot write {output}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    print(output)
    return 0


def dispatch(args: argparse.Namespace, config: Config) -> int | None:
    """Run `kiosk report`; None when the command is someone else's."""
    if getattr(args, "command", None) != "report":
        return None
    return _run(args, config)
