"""What the input limits cost (kiosk/web/body.py): reading a real push body with the
depth/string scan and the number checks, against plain ``json.loads`` of the same bytes.

1. A full push (1,000 events, the largest batch a kiosk sends): ``loads`` against
   ``json.loads`` in the same run (the baseline); the ratio is the limits' price.
2. A hostile body of 100,000 brackets: how fast it is refused (``json.loads`` itself
   raises RecursionError on it: issue 16, finding 4).

Run: .venv/bin/python bench/body_limits.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.store.ids import new_id  # noqa: E402
from kiosk.sync.protocol import MAX_BATCH  # noqa: E402
from kiosk.web.body import BodyRefused, loads  # noqa: E402


def push_body(events: int) -> bytes:
    rows = []
    for n in range(1, events + 1):
        event_id = new_id("KUP-K1")
        rows.append({"id": event_id, "seq": n, "at": "2026-11-25T01:00:00+00:00",
                     "office_code": "KUP", "office_day": "2026-11-25", "device_id": "KUP-K1",
                     "kind": "issued", "ticket_id": event_id,
                     "payload": {"lane": "A", "number": n, "label": f"A{n:03d}"}})
    return json.dumps({"protocol": 2, "device_id": "KUP-K1",
                       "sent_at": "2026-11-25T01:00:05+00:00", "events": rows}).encode()


def median_ms(call, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def refuse(body: bytes) -> None:
    try:
        loads(body)
    except BodyRefused:
        return
    raise AssertionError("a deep body was accepted")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    body = push_body(MAX_BATCH)
    assert loads(body) == json.loads(body)
    plain = median_ms(lambda: json.loads(body), args.rounds)
    limited = median_ms(lambda: loads(body), args.rounds)
    deep = b"[" * 100_000 + b"]" * 100_000
    refused = median_ms(lambda: refuse(deep), args.rounds)
    print(f"push of {MAX_BATCH} events, {len(body) / 1024:.0f} KiB:")
    print(f"  json.loads (baseline)       {plain:8.2f} ms")
    print(f"  kiosk.web.body.loads        {limited:8.2f} ms  ({limited / plain:.2f}x)")
    print(f"100,000 brackets refused in   {refused:8.2f} ms")
    print(json.dumps({"bench": "body_limits", "events": MAX_BATCH, "body_kib": round(
        len(body) / 1024), "json_loads_ms": round(plain, 2), "limited_loads_ms": round(
        limited, 2), "ratio": round(limited / plain, 2), "deep_refused_ms": round(refused, 2)}))


if __name__ == "__main__":
    main()
