"""The lobby board's web page: self-contained HTML (no external files), for the LAN API.

The current state is inlined so the page draws before its event stream
(``/board/events``) opens; after that the stream keeps it up to date.
"""

from __future__ import annotations

import html


def board_page(title: str, state_json: str) -> str:
    """The lobby TV page, with the current state inlined so it draws before the stream opens."""
    inline = state_json.replace("<", "\\u003c") or "null"
    return _PAGE.replace("__TITLE__", html.escape(title)).replace("__STATE__", inline)


_PAGE = """<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__ - Papan Antrian</title>
<style>
  * { box-sizing: border-box; margin: 0; padding: 0; }
  html, body { height: 100%; background: #000; color: #fff;
    font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; overflow: hidden; }
  body { display: grid; grid-template-rows: auto minmax(0, 1fr) auto; height: 100vh; }
  header { display: flex; justify-content: space-between; align-items: center; gap: 2vw;
    padding: 1.2vh 2vw; background: #0b3d91; }
  #office { font-size: 3.4vh; font-weight: bold; }
  #when { display: flex; align-items: baseline; gap: 2vw; white-space: nowrap; }
  #date { font-size: 3.4vh; }
  #clock { font-size: 5vh; font-weight: bold; font-variant-numeric: tabular-nums; }
  main { display: grid; grid-template-columns: 3fr 1fr; gap: 1.5vw; padding: 1.5vh 1.5vw;
    min-height: 0; height: 100%; }
  #counters { display: grid; gap: 1.5vh 1.2vw; height: 100%; min-height: 0;
    grid-template-columns: repeat(var(--cols, 3), minmax(0, 1fr));
    grid-template-rows: repeat(var(--rows, 1), minmax(0, 1fr)); }
  .counter { border: 0.5vh solid #555; border-radius: 1vh; text-align: center; padding: 1vh;
    display: flex; flex-direction: column; justify-content: space-evenly; min-height: 0;
    overflow: hidden; }
  .counter .name { font-size: 4.5vh; color: #ffd700; font-weight: bold; }
  .counter .label { font-size: 18vh; font-weight: bold; line-height: 1;
    font-variant-numeric: tabular-nums; white-space: nowrap; }
  .counter .service { font-size: 3.6vh; color: #ddd; min-height: 1.2em; }
  .counter.idle .label { color: #666; }
  .counter.newest { background: #ffd700; color: #000; border-color: #fff;
    animation: flash 1s ease-in-out 4; }
  .counter.newest .name, .counter.newest .service { color: #000; }
  @keyframes flash { 50% { background: #fff; } }
  aside { display: flex; flex-direction: column; gap: 2vh; min-height: 0; overflow: hidden; }
  h2 { font-size: 3vh; color: #7fdbff; border-bottom: 0.3vh solid #7fdbff; margin-bottom: 1vh; }
  ol, ul { list-style: none; font-size: 3vh; }
  #last li { display: grid; grid-template-columns: auto 1fr; column-gap: 1vw;
    align-items: baseline; padding: 0.6vh 0; border-bottom: 0.2vh solid #333; }
  #last .l { font-size: 5vh; font-weight: bold; font-variant-numeric: tabular-nums; }
  #last .k { color: #ccc; text-align: right; font-size: 2.6vh; }
  #last .s { grid-column: 1 / -1; color: #ffd700; font-size: 2.6vh; }
  #last .again { color: #ff8c00; font-weight: bold; }
  #waiting li { display: flex; justify-content: space-between; gap: 1vw; padding: 0.4vh 0; }
  #waiting .l { font-weight: bold; }
  footer { background: #ffd700; color: #000; font-size: 4vh; font-weight: bold;
    white-space: nowrap; overflow: hidden; padding: 0.8vh 0; }
  footer span { display: inline-block; padding-left: 100%; animation: scroll 25s linear infinite; }
  footer.empty { display: none; }
  @keyframes scroll { to { transform: translateX(-100%); } }
  #offline { position: fixed; top: 0; left: 50%; transform: translateX(-50%); display: none;
    background: #c00; color: #fff; font-size: 2.6vh; padding: 0.5vh 2vw; }
  body.offline #offline { display: block; }
</style>
</head>
<body>
<div id="offline">Menyambung ulang ke kiosk&hellip;</div>
<header><div id="office"></div><div id="when"><div id="date"></div><div id="clock"></div></div>
</header>
<main>
  <section id="counters" aria-label="Nomor dipanggil"></section>
  <aside>
    <div><h2>Panggilan Terakhir</h2><ol id="last"></ol></div>
    <div><h2>Jumlah Menunggu</h2><ul id="waiting"></ul></div>
  </aside>
</main>
<footer id="notice"><span id="notice-text"></span></footer>
<script>
"use strict";
let state = __STATE__;
let offset = 0;
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function dayText(day) {
  // The office day ("2026-11-26") in words, whatever the TV's own clock or zone says.
  try {
    return new Date(day + "T00:00:00Z").toLocaleDateString("id-ID", {
      weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  } catch (e) {
    return day;
  }
}
function lastRow(r) {
  // One line per number: a recall marks it ("dipanggil ulang"), it does not repeat it.
  const li = el("li");
  li.dataset.label = r.label;
  li.append(el("span", "l", r.label), el("span", "k", r.counter_name + " \\u00b7 " + r.at));
  const service = el("span", "s", r.service || "");
  if (r.kind === "recall")
    service.append(" ", el("span", "again",
      "\\u00b7 dipanggil ulang" + (r.recalls > 1 ? " " + r.recalls + "\\u00d7" : "")));
  li.append(service);
  return li;
}
function fit() {
  // Numbers as large as their box allows: the board fills any TV, 720p or 1080p.
  for (const box of document.querySelectorAll(".counter")) {
    const label = box.querySelector(".label");
    const free = box.clientHeight - box.querySelector(".name").offsetHeight
      - box.querySelector(".service").offsetHeight;
    const chars = Math.max(4, label.textContent.length);
    let size = Math.max(16, Math.min(free * 0.8, box.clientWidth * 0.88 / (chars * 0.72)));
    label.style.fontSize = size + "px";
    if (label.scrollWidth > box.clientWidth * 0.92) {  // a wider font than expected
      size *= box.clientWidth * 0.88 / label.scrollWidth;
      label.style.fontSize = Math.max(16, size) + "px";
    }
  }
  const main = document.querySelector("main").getBoundingClientRect();
  const boxes = [...document.querySelectorAll(".counter")].map(b => b.getBoundingClientRect());
  document.body.dataset.layout = JSON.stringify({  // what the TV drew: for checks and support
    width: window.innerWidth, height: window.innerHeight, main: main.height,
    counters_top: Math.min(...boxes.map(b => b.top)),
    counters_bottom: Math.max(...boxes.map(b => b.bottom)),
    page_bottom: document.body.getBoundingClientRect().bottom });
}
function render(s) {
  if (!s) return;
  state = s;
  offset = Date.parse(s.now) - Date.now();
  document.getElementById("office").textContent = s.office;
  document.getElementById("date").textContent = dayText(s.day);
  const counters = document.getElementById("counters");
  const cols = Math.min(3, Math.max(1, s.counters.length));
  counters.style.setProperty("--cols", cols);
  counters.style.setProperty("--rows", Math.max(1, Math.ceil(s.counters.length / cols)));
  counters.replaceChildren(...s.counters.map(c => {
    const box = el("div", "counter" + (c.label ? "" : " idle") + (c.newest ? " newest" : ""));
    box.dataset.counter = c.number;
    box.append(el("div", "name", c.name), el("div", "label", c.label || "\\u2014"),
               el("div", "service", c.label ? (c.service || "") : ""));
    return box;
  }));
  document.getElementById("last").replaceChildren(...s.last_calls.map(lastRow));
  document.getElementById("waiting").replaceChildren(...s.lanes.map(l => {
    const li = el("li");
    li.append(el("span", "l", l.code + " " + l.name), el("span", "k", l.waiting + " orang"));
    return li;
  }));
  const notice = document.getElementById("notice");
  if (document.getElementById("notice-text").textContent !== s.notice)
    document.getElementById("notice-text").textContent = s.notice;
  notice.className = s.notice ? "" : "empty";
  fit();
  tick();
}
function tick() {
  if (!state) return;
  const now = new Date(Date.now() + offset);
  let text;
  try {
    text = now.toLocaleTimeString("id-ID", { timeZone: state.timezone, hour12: false });
  } catch (e) {
    text = now.toTimeString().slice(0, 8);
  }
  document.getElementById("clock").textContent = text.replace(/\\./g, ":");
}
render(state);
setInterval(tick, 1000);
window.addEventListener("resize", fit);
if (window.EventSource) {
  const source = new EventSource("/board/events");
  let lost = null;  // streams end every few minutes by design: warn only if it stays down
  source.onmessage = e => {
    render(JSON.parse(e.data));
    clearTimeout(lost);
    lost = null;
    document.body.classList.remove("offline");
    document.body.dataset.live = "1";
  };
  source.onerror = () => {
    if (lost === null) lost = setTimeout(() => document.body.classList.add("offline"), 6000);
  };
}
</script>
</body>
</html>
"""
