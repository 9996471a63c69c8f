"""Child process for the same-NIK race: a kiosk with NIK entry, issuing for one NIK.

Usage: python -m tests.walkin_child DB TICKETS_FILE NIK DEVICE ATTEMPTS GO_FILE
Waits for GO_FILE (so both children start together), then prints "ISSUED A001"
per ticket given and "REFUSED <reason> <earlier label>" per refusal.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from hardware.sim_printer import SimulationPrinter
from kiosk import store
from kiosk.config import WalkinConfig, load_config
from kiosk.queue.issuing import Issued, IssuingService

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # Wednesday 09:00 WITA: lane A open


def main() -> None:
    db_path, tickets, nik, device, attempts, go = sys.argv[1:7]
    config = load_config(ROOT / "config" / "kiosk.toml")
    office = dataclasses.replace(config.office, device_id=device)
    config = dataclasses.replace(config, database=Path(db_path), office=office,
                                 walkin=WalkinConfig(require_nik=True))
    db = store.connect(config.database)
    service = IssuingService(config, db, SimulationPrinter(Path(tickets), 80), clock=lambda: NOW)
    deadline = time.monotonic() + 30
    while not Path(go).exists() and time.monotonic() < deadline:
        time.sleep(0.001)
    for _ in range(int(attempts)):
        result = service.issue("A", "id", nik=nik)
        if isinstance(result, Issued):
            print(f"ISSUED {result.ticket.label}", flush=True)
        else:
            print(f"REFUSED {result.reason} {result.earlier_label}", flush=True)
    db.close()


if __name__ == "__main__":
    main()
