"""What the kiosk says aloud after a press or a scan, for applicants who cannot read the screen.

Pure text, like kiosk.texts.spoken_numbers: the app hands the sentence to the
announcer (espeak-ng) and never waits for it. Numbers are spelled out in
words the way staff call them ("A nol dua belas"), so the applicant hears
the same words later at the counter. Every sentence is short: a lobby is
noisy, and the screen carries the details.
"""

from __future__ import annotations

from kiosk.checkin.service import CheckedIn, CheckinRefused
from kiosk.queue.issuing import Issued, Refused
from kiosk.texts import TEXTS, t
from kiosk.texts.spoken_numbers import label_words

# Check-in refusals that mean the camera or scanner got no usable code.
SCAN_FAILED = frozenset({"malformed"})
# Refusals with their own short sentence; any other reason gets "prompt.refused.other".
REFUSALS = frozenset({"cap", "closed", "not_served_today", "paper_out", "paused",
                      "clock", "error", "no_numbers"})
# Check-in refusals worded like the issuing ones (same cause, same words).
SHARED_CHECKIN_REFUSALS = frozenset({"paper_out", "clock"})

Result = Issued | Refused | CheckedIn | CheckinRefused


def prompt_for(result: Result, language: str) -> str:
    """The sentence to speak for what the screen now shows, in the screen's language."""
    if isinstance(result, Issued):
        key = "prompt.issued" if result.printed else "prompt.issued_unprinted"
        return t(key, language, number=label_words(result.ticket.label, language))
    if isinstance(result, CheckedIn):
        key = "prompt.checked_in" if result.all_printed else "prompt.checked_in_unprinted"
        return t(key, language, numbers=_numbers(result.labels, language))
    if isinstance(result, CheckinRefused):
        return _checkin_refusal(result.reason, language)
    reason = result.reason if result.reason in REFUSALS else "other"
    return t(f"prompt.refused.{reason}", language)


def _checkin_refusal(reason: str, language: str) -> str:
    if reason in SCAN_FAILED:
        return t("prompt.scan_failed", language)
    if reason in SHARED_CHECKIN_REFUSALS:
        return t(f"prompt.refused.{reason}", language)
    title_key = f"checkin.{reason}.title"
    if title_key not in TEXTS:
        return t("prompt.refused.other", language)
    return t("prompt.checkin_refused", language, title=t(title_key, language))


def _numbers(labels: tuple[str, ...], language: str) -> str:
    """ "B nol nol satu, B nol nol dua dan B nol nol tiga": a family hears every number."""
    words = [label_words(label, language) for label in labels]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {t('prompt.and', language)} {words[-1]}"
