"""Child process for the calling race: one counter pressing "next" until nobody waits.

Usage: python -m tests.caller_child DB COUNTER LANES OFFICE_DAY
Prints "READY", waits for a line on stdin (so all children start together),
then prints "CALLED A012" after each committed call.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date

from kiosk import store
from kiosk.clock import utc_now
from kiosk.queue.call_order import CallPolicy
from kiosk.queue.calling import CallingService, Counter


def main() -> None:
    db_path, number, lanes = sys.argv[1], int(sys.argv[2]), frozenset(sys.argv[3])
    day = date.fromisoformat(sys.argv[4])
    db = store.connect(db_path)
    counter = Counter(number, f"Loket {number}", lanes)
    service = CallingService(db, "KUP", f"DEV-{number}", {number: counter}, CallPolicy(),
                             lambda: utc_now(), office_day=day)
    print("READY", flush=True)
    sys.stdin.readline()
    while (called := service.call_next(number)) is not None:
        print(f"CALLED {called.label}", flush=True)
        # Staff pause between presses. Without it SQLite's busy handler (sleep and
        # retry, not a fair queue) lets one child take the lock back every time
        # and drain the queue alone, and the test would race nothing.
        time.sleep(random.random() * 0.003)
    db.close()


if __name__ == "__main__":
    main()
