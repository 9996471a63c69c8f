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
  body { display: grid; grid-template-rows: auto 1fr auto; height: 100vh; }
  header { display: flex; justify-content: space-between; align-items: center;
    padding: 1.2vh 2vw; background: #0b3d91; }
  #office { font-size: 3.4vh; font-weight: bold; }
  #clock { font-size: 5vh; font-weight: bold; font-variant-numeric: tabular-nums; }
  main { display: grid; grid-template-columns: 3fr 1fr; gap: 1.5vw; padding: 1.5vh 1.5vw;
    min-height: 0; }
  #counters { display: grid; gap: 1.2vw; grid-template-columns: repeat(auto-fit, minmax(22vw, 1fr));
    align-content: start; }
  .counter { border: 0.5vh solid #555; border-radius: 1vh; text-align: center; padding: 1vh; }
  .counter .name { font-size: 3.6vh; color: #ffd700; font-weight: bold; }
  .counter .label { font-size: 13vh; font-weight: bold; line-height: 1.1;
    font-variant-numeric: tabular-nums; }
  .counter.idle .label { color: #666; }
  .counter.newest { background: #ffd700; color: #000; border-color: #fff;
    animation: flash 1s ease-in-out 4; }
  .counter.newest .name { color: #000; }
  @keyframes flash { 50% { background: #fff; } }
  aside { display: flex; flex-direction: column; gap: 2vh; min-height: 0; }
  h2 { font-size: 3vh; color: #7fdbff; border-bottom: 0.3vh solid #7fdbff; margin-bottom: 1vh; }
  ol, ul { list-style: none; font-size: 3vh; }
  li { display: flex; justify-content: space-between; gap: 1vw; padding: 0.4vh 0; }
  li .l { font-weight: bold; }
  li .k { color: #ccc; white-space: nowrap; text-align: right; }
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
<header><div id="office"></div><div id="clock"></div></header>
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
function row(left, right) {
  const li = el("li");
  li.append(el("span", "l", left), el("span", "k", right));
  return li;
}
function render(s) {
  if (!s) return;
  state = s;
  offset = Date.parse(s.now) - Date.now();
  document.getElementById("office").textContent = s.office;
  const counters = document.getElementById("counters");
  counters.replaceChildren(...s.counters.map(c => {
    const box = el("div", "counter" + (c.label ? "" : " idle") + (c.newest ? " newest" : ""));
    box.dataset.counter = c.number;
    box.append(el("div", "name", c.name), el("div", "label", c.label || "\\u2014"));
    return box;
  }));
  document.getElementById("last").replaceChildren(...s.last_calls.map(r =>
    row(r.label, r.counter_name + " \\u00b7 " + r.at + (r.kind === "recall" ? " ulang" : ""))));
  document.getElementById("waiting").replaceChildren(...s.lanes.map(l =>
    row(l.code + " " + l.name, l.waiting + " orang")));
  const notice = document.getElementById("notice");
  if (document.getElementById("notice-text").textContent !== s.notice)
    document.getElementById("notice-text").textContent = s.notice;
  notice.className = s.notice ? "" : "empty";
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
