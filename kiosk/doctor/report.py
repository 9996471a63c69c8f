"""The doctor's report: every outcome in the reader's language, as text for office IT
or as one JSON object for monitoring, and the exit code."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kiosk.doctor.runner import STATUSES, Localised, Outcome
from kiosk.texts import format_moment, t

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path


def rendered(outcome: Outcome, language: str) -> dict[str, Any]:
    """One check as the stable JSON object monitoring reads."""
    found = outcome.result
    values = {key: _localised(value, language) for key, value in found.values.items()}
    return {
        "name": found.name,
        "status": found.status,
        "title": t(f"doctor.{found.name}.title", language),
        "message": t(found.message, language, **values),
        "fix": t(found.fix, language, **values) if found.fix else "",
        "seconds": outcome.seconds,
    }


def _localised(value: Any, language: str) -> Any:
    """Values may themselves be text keys (``Localised``), rendered in the report's language."""
    if isinstance(value, Localised):
        return t(value.key, language, **{k: _localised(v, language)
                                         for k, v in value.values.items()})
    if isinstance(value, datetime):
        return format_moment(value, language)
    return value


def counts(outcomes: Sequence[Outcome]) -> dict[str, int]:
    return {status: sum(o.result.status == status for o in outcomes) for status in STATUSES}


def exit_code(outcomes: Sequence[Outcome]) -> int:
    """0 unless a check failed: warnings and skips do not page anyone at night."""
    return 1 if any(o.result.status == "fail" for o in outcomes) else 0


def report_json(outcomes: Sequence[Outcome], language: str, config_file: Path) -> str:
    return json.dumps({
        "ok": exit_code(outcomes) == 0,
        "language": language,
        "config": str(config_file),
        "counts": counts(outcomes),
        "checks": [rendered(o, language) for o in outcomes],
    }, ensure_ascii=False)


LABEL_WIDTH = 10


def report_text(outcomes: Sequence[Outcome], language: str, heading: str) -> str:
    lines = [heading, ""]
    fix_label = t("doctor.fix_label", language)
    for outcome in outcomes:
        shown = rendered(outcome, language)
        label = t(f"doctor.status.{shown['status']}", language)
        lines.append(f"[{label:<{LABEL_WIDTH}}] {shown['title']}: {shown['message']}")
        if shown["fix"] and shown["status"] != "pass":
            lines.append(f"{'':{LABEL_WIDTH + 3}}{fix_label}: {shown['fix']}")
    tally = counts(outcomes)
    lines += ["", t("doctor.summary", language, passed=tally["pass"], warned=tally["warn"],
                    failed=tally["fail"], skipped=tally["skip"]),
              t("doctor.verdict.fail" if exit_code(outcomes) else "doctor.verdict.ok",
                language)]
    return "\n".join(lines)
