"""The tracking page a ticket's QR opens on a phone: one small self-contained HTML page.

No external files and no fonts (a few kilobytes over a slow 2G link), readable at
360 px wide. The state is inlined, so the page shows the number at once and
still says something without JavaScript; then it follows the server-sent event
stream (``<page>/events``), which the browser reconnects by itself. Indonesian
first, English under it, on every line: a phone needs no language switch.
The words for each state are here, next to the code that shows them, as the
board's are (kiosk/lan/board_page.py): the page must work where no kiosk
text table is loaded (the hub).
"""

from __future__ import annotations

import html
import json
from typing import Any


def track_page(state: dict[str, Any], events_path: str) -> str:
    inline = json.dumps(state, ensure_ascii=False).replace("<", "\\u003c")
    label = str(state.get("label", "")) if state.get("state") == "ticket" else ""
    title = f"{label} - Antrian" if label else "Antrian"
    summary = _summary(state)
    return (_PAGE.replace("__TITLE__", html.escape(title))
            .replace("__SUMMARY__", html.escape(summary))
            .replace("__EVENTS__", json.dumps(events_path).replace("<", "\\u003c"))
            .replace("__STATE__", inline))


def entry_page(action: str, message: str = "") -> str:
    """``/t``: type the code printed under the QR; the form goes to ``action``."""
    note = f'<p class="bad">{html.escape(message)}</p>' if message else ""
    return _ENTRY.replace("__NOTE__", note).replace("__ACTION__", html.escape(action))


def _summary(state: dict[str, Any]) -> str:
    """The page's text without JavaScript (and for screen readers before the script runs)."""
    kind = state.get("state")
    if kind == "expired":
        return "Tautan ini sudah kedaluwarsa. / This link has expired."
    if kind != "ticket":
        return "Tautan tidak dikenal. / Unknown link."
    status = state.get("status")
    if status == "called":
        return (f"{state['label']}: giliran Anda, silakan ke {state.get('counter_name')}. / "
                f"Your turn: go to {state.get('counter_name')}.")
    if status == "waiting" and state.get("before") is not None:
        return (f"{state['label']}: {state['before']} orang sebelum Anda. / "
                f"{state['before']} before you.")
    return f"{state['label']}"


_CSS = """
* { box-sizing: border-box; }
body { margin: 0; font-family: sans-serif; background: #f4f6fb; color: #111; font-size: 17px; }
main { max-width: 30rem; margin: 0 auto; padding: 12px; }
h1 { font-size: 15px; margin: 4px 0 8px; color: #334; }
.card { background: #fff; border-radius: 10px; padding: 14px; margin: 0 0 12px;
        box-shadow: 0 1px 3px #0002; }
.en { color: #556; font-size: 14px; }
#label { font-size: 64px; font-weight: bold; text-align: center; letter-spacing: 2px; }
#service { text-align: center; }
#status { font-size: 22px; font-weight: bold; text-align: center; }
.turn { background: #0a7d2c; color: #fff; } .turn .en { color: #e8ffe8; }
.bad { background: #b3261e; color: #fff; } .bad .en { color: #ffe9e7; }
.big { font-size: 30px; font-weight: bold; }
ul { list-style: none; padding: 0; margin: 4px 0 0; }
li { display: flex; justify-content: space-between; padding: 3px 0;
     border-bottom: 1px solid #e3e6ee; }
#updated { font-size: 13px; color: #556; text-align: center; }
input, button { font-size: 20px; padding: 10px; width: 100%; margin: 6px 0; }
"""

_PAGE = """<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>__TITLE__</title>
<style>""" + _CSS + """</style>
</head>
<body>
<main>
<h1 id="office"></h1>
<div class="card"><div id="label"></div><div id="service"></div></div>
<div class="card" id="status-card"><div id="status">__SUMMARY__</div><div id="detail"></div></div>
<div class="card" id="serving-card"><b>Sedang dilayani</b> <span class="en">Now serving</span>
<ul id="serving"></ul></div>
<p id="updated"></p>
<noscript><p>Muat ulang halaman untuk keadaan terbaru. / Reload the page to update.</p></noscript>
</main>
<script>
"use strict";
var state = __STATE__;
function el(id) { return document.getElementById(id); }
function two(id, en) {
  var d = document.createElement("div"); d.appendChild(document.createTextNode(id));
  var e = document.createElement("div"); e.className = "en"; e.textContent = en;
  d.appendChild(e); return d;
}
function put(id, nodes) {
  var box = el(id); while (box.firstChild) { box.removeChild(box.firstChild); }
  nodes.forEach(function (n) { box.appendChild(n); });
}
function show(s) {
  state = s;
  var card = el("status-card"); card.className = "card";
  if (s.state !== "ticket") {
    el("label").textContent = "-"; el("service").textContent = "";
    el("serving-card").style.display = "none"; card.className = "card bad";
    put("status", [s.state === "expired"
      ? two("Tautan ini sudah kedaluwarsa: hanya berlaku pada hari tiket diambil.",
            "This link has expired: it works on the day of the ticket only.")
      : two("Tautan tidak dikenal. Periksa kode pantau pada tiket Anda.",
            "Unknown link. Check the tracking code on your ticket.")]);
    put("detail", []); el("updated").textContent = "";
    document.body.setAttribute("data-status", s.state); return;
  }
  el("office").textContent = s.office; el("label").textContent = s.label;
  var stage = s.stage_name ? " \\u00b7 " + s.stage_name.id : "";
  var stageEn = s.stage_name ? " \\u00b7 " + s.stage_name.en : "";
  put("service", [two(s.service.id + stage, s.service.en + stageEn)]);
  var detail = [];
  if (s.status === "called") {
    card.className = "card turn";
    put("status", [two("GILIRAN ANDA!", "YOUR TURN!")]);
    var go = two("Silakan ke " + s.counter_name, "Please go to " + s.counter_name);
    go.className = "big"; detail.push(go);
    if (navigator.vibrate) { navigator.vibrate([400, 200, 400]); }
  } else if (s.status === "waiting") {
    put("status", [two("Menunggu dipanggil", "Waiting to be called")]);
    if (s.before !== null) {
      var b = two(s.before + " orang dipanggil sebelum Anda",
                  s.before + " people called before you");
      b.className = "big"; detail.push(b);
    }
    detail.push(s.wait && s.wait[0] === 0
      ? two("Perkiraan tunggu: kurang dari " + s.wait[1] + " menit",
            "Estimated wait: less than " + s.wait[1] + " minutes")
      : s.wait
      ? two("Perkiraan tunggu: " + s.wait[0] + "-" + s.wait[1] + " menit",
            "Estimated wait: " + s.wait[0] + "-" + s.wait[1] + " minutes")
      : two("Perkiraan waktu tunggu belum ada (loket belum buka).",
            "No wait estimate yet (no counter open)."));
  } else if (s.status === "served") {
    put("status", [two("Selesai dilayani. Terima kasih.", "Served. Thank you.")]);
  } else {
    card.className = "card bad";
    put("status", [two("Anda tidak hadir saat dipanggil.", "You missed your call.")]);
    detail.push(two("Segera temui petugas untuk dipanggil lagi.",
                    "See a staff member now to be called again."));
  }
  put("detail", detail);
  el("serving-card").style.display = "";
  put("serving", s.serving.length ? s.serving.map(function (c) {
    var li = document.createElement("li");
    var a = document.createElement("b"); a.textContent = c.label;
    var b = document.createElement("span"); b.textContent = c.counter_name;
    li.appendChild(a); li.appendChild(b); return li;
  }) : [two("Belum ada", "Nobody yet")]);
  el("updated").textContent = "Diperbarui / updated " + s.updated_at.slice(11, 16);
  // What was drawn, for checks: nothing wider than the phone's screen.
  document.body.setAttribute("data-fits", String(
    document.documentElement.scrollWidth <= window.innerWidth));
  document.body.setAttribute("data-status", s.status);
}
show(state);
if (window.EventSource && state.state === "ticket") {
  var stream = new EventSource(__EVENTS__);
  stream.onmessage = function (e) { show(JSON.parse(e.data)); };
}
</script>
</body>
</html>
"""

_ENTRY = """<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Pantau antrian</title>
<style>""" + _CSS + """</style>
</head>
<body>
<main>
<div class="card">
<h1>Pantau antrian <span class="en">Follow your number</span></h1>
__NOTE__
<form method="get" action="__ACTION__">
<label for="code">Kode pantau pada tiket <span class="en">Tracking code on the ticket</span>
</label>
<input id="code" name="code" autocomplete="off" autocapitalize="characters" maxlength="16"
 placeholder="K7QD2-M9FXA" required>
<button type="submit">Buka / Open</button>
</form>
</div>
</main>
</body>
</html>
"""
