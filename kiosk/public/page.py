"""The public quota page: one small HTML file drawn from the published JSON document.

No script, no font, no image, no external file: it opens on a cheap phone over
a slow connection (a few KiB) and fits 360 px. Indonesian by default, English
with ``?lang=en``; a link switches. Drawn from ``today_json``'s document, so
the page can never say more than the JSON does.
"""

from __future__ import annotations

import html
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.texts import ZONE_ABBREVIATIONS, format_date, format_moment, t


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _when(text: str | None, zone: str) -> datetime | None:
    """A time of the document, in the office's zone (for its WIB/WITA/WIT name)."""
    return None if text is None else datetime.fromisoformat(text).astimezone(ZoneInfo(zone))


def _hhmm(moment: datetime, zone: str) -> str:
    return f"{moment:%H:%M} {ZONE_ABBREVIATIONS.get(zone, '')}".strip()


def _opening_line(doc: dict[str, Any], lang: str) -> tuple[str, str]:
    """(css class, sentence) of the office's state now."""
    zone = doc["office"]["timezone"]
    if doc["open_now"] is None:
        return "unknown", t("public.hours_unknown", lang)
    if doc["open_now"]:
        closes = _when(doc["closes_at"], zone)
        if closes is None:
            return "open", t("public.open_now", lang)
        return "open", t("public.open_until", lang, time=_hhmm(closes, zone))
    reason = {"holiday": "public.holiday", "closed_today": "public.closed_today"}.get(
        doc["closed_reason"], "public.closed_now")
    line = t(reason, lang)
    nxt = _when(doc["next_opening"], zone)
    if nxt is not None:
        line += ". " + t("public.next_opening", lang, when=format_moment(nxt, lang))
    return "closed", line


def _service_row(service: dict[str, Any], doc: dict[str, Any], lang: str) -> str:
    name = service["name_en"] if lang == "en" else service["name_id"]
    cap, left, issued = service["cap"], service["left"], service["issued"]
    zone = doc["office"]["timezone"]
    if cap is None:
        key = "public.no_cap" if service["cap_known"] else "public.cap_unknown"
        # A big number here would read as "numbers left": no limit is a sign, not a 0.
        big = "\u221e" if service["cap_known"] else "?"
        line, state = t(key, lang, issued=issued), "nocap"
    else:
        big, line = str(left), t("public.left", lang, left=left, cap=cap)
        state = "out" if left == 0 else ("low" if left * 5 <= cap else "ok")
    extra = ""
    if left == 0:
        ran_out = _when(service["ran_out_at"], zone)
        extra = t("public.ran_out", lang, time=_hhmm(ran_out, zone)) if ran_out else \
            t("public.used_up", lang)
        extra = f'<p class="ran">{_esc(extra)}</p>'
    return (f'<li class="svc {state}" data-code="{_esc(service["code"])}">'
            f'<span class="big">{_esc(big)}</span><div><h2>{_esc(name)} '
            f'<small>({_esc(service["code"])})</small></h2><p>{_esc(line)}</p>{extra}</div></li>')


def _freshness(doc: dict[str, Any], lang: str) -> str:
    if doc["source"] == "kiosk":
        return f'<p class="fresh">{_esc(t("public.live", lang))}</p>'
    last = _when(doc["last_data_at"], doc["office"]["timezone"])
    if last is None:
        return f'<p class="fresh stale">{_esc(t("public.no_data", lang))}</p>'
    if last.date() == date.fromisoformat(doc["day"]):
        line = t("public.last_data", lang, time=_hhmm(last, doc["office"]["timezone"]))
    else:
        line = t("public.last_data_day", lang, when=format_moment(last, lang))
    if doc["stale"]:
        return (f'<p class="fresh stale">{_esc(line)}. '
                f'<strong>{_esc(t("public.stale", lang))}</strong></p>')
    return f'<p class="fresh">{_esc(line)}</p>'


def quota_page(doc: dict[str, Any], lang: str, self_path: str) -> str:
    """The page for ``doc`` in ``lang`` ("id" or "en"); ``self_path`` for the language link."""
    lang = "en" if lang == "en" else "id"
    other = "id" if lang == "en" else "en"
    state, opening = _opening_line(doc, lang)
    rows = "".join(_service_row(s, doc, lang) for s in doc["services"]) or \
        f'<li class="none">{_esc(t("public.no_services", lang))}</li>'
    day = format_date(date.fromisoformat(doc["day"]), lang)
    office = doc["office"]
    return (_PAGE.replace("__LANG__", lang)
            .replace("__TITLE__", _esc(f'{t("public.title", lang)} - {office["name"]}'))
            .replace("__OFFICE__", _esc(office["name"]))
            .replace("__HEADING__", _esc(t("public.title", lang)))
            .replace("__DAY__", _esc(day))
            .replace("__STATE__", state)
            .replace("__OPENING__", _esc(opening))
            .replace("__ROWS__", rows)
            .replace("__FRESH__", _freshness(doc, lang))
            .replace("__NOTE__", _esc(t("public.note", lang)))
            .replace("__SWITCH_HREF__", _esc(f"{self_path}?lang={other}"))
            .replace("__OTHER__", other)
            .replace("__SWITCH__", _esc(t("public.switch", lang))))


_PAGE = """<!DOCTYPE html>
<html lang="__LANG__">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>
*{box-sizing:border-box}
body{margin:0;font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;background:#f4f6fa;
color:#111;font-size:17px;line-height:1.35}
header{background:#0b3d91;color:#fff;padding:12px 14px}
header h1{font-size:20px;margin:0 0 2px}
header p{margin:0;font-size:15px;color:#dfe8ff}
header a{color:#fff;float:right;font-size:14px;margin-left:8px}
main{padding:10px 12px;max-width:640px;margin:0 auto}
.state{padding:10px 12px;border-radius:8px;font-weight:bold;margin:0 0 10px}
.state.open{background:#d8f5dd;color:#0a5c1a}
.state.closed{background:#fde2e2;color:#8a1010}
.state.unknown{background:#eee;color:#333}
ul{list-style:none;margin:0;padding:0}
.svc{display:flex;align-items:center;gap:12px;background:#fff;border-radius:8px;
padding:10px 12px;margin:0 0 10px;border-left:8px solid #2e7d32}
.svc.low{border-color:#ef8f00}.svc.out{border-color:#c62828}.svc.nocap{border-color:#607d8b}
.big{font-size:34px;font-weight:bold;min-width:2.2em;text-align:center;
font-variant-numeric:tabular-nums}
.out .big{color:#c62828}
.svc h2{font-size:18px;margin:0}
.svc small{color:#666;font-weight:normal}
.svc p{margin:2px 0 0}
.ran{color:#c62828;font-weight:bold}
.none{padding:12px;background:#fff;border-radius:8px}
.fresh{font-size:15px;color:#333}
.stale{background:#fff4d6;padding:8px 10px;border-radius:8px}
.note{font-size:14px;color:#555}
</style>
</head>
<body>
<header><a href="__SWITCH_HREF__" hreflang="__OTHER__">__SWITCH__</a>
<h1>__HEADING__</h1><p>__OFFICE__</p><p>__DAY__</p></header>
<main>
<p class="state __STATE__">__OPENING__</p>
<ul>__ROWS__</ul>
__FRESH__
<p class="note">__NOTE__</p>
</main>
</body>
</html>
"""
