"""Child process for the race and kill -9 tests: issue numbers, report each commit.

Usage: python -m tests.issuer_child DB LANE CAP ATTEMPTS [OFFICE_DAY]
Prints "ISSUED A012" after each committed ticket and "REFUSED" for a refusal.
"""

from __future__ import annotations

import sys
from datetime import date

from kiosk import store
from kiosk.clock import utc_now
from kiosk.queue.numbering import CapReached, Numbering, Ticket


def main() -> None:
    db_path, lane, cap, attempts = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    day = date.fromisoformat(sys.argv[5]) if len(sys.argv) > 5 else date(2026, 11, 25)
    db = store.connect(db_path)
    numbering = Numbering(db, "KUP", f"DEV-{sys.argv[6] if len(sys.argv) > 6 else 'X'}")
    for _ in range(attempts):
        result = numbering.take(lane, day, cap if cap > 0 else None, utc_now())
        if isinstance(result, Ticket):
            print(f"ISSUED {result.label}", flush=True)
        elif isinstance(result, CapReached):
            print("REFUSED", flush=True)
    db.close()


if __name__ == "__main__":
    main()
