"""Sample bookings for demos and staff training: a key pair, signed QR PNGs, a bookings file.

Offices had no scanners and no test data (DOMAIN.md); `kiosk bookings make-qr`
lets staff rehearse check-in end to end with codes that behave exactly like
real ones. The NIKs are made up but shaped like real ones (region, birth
date, serial), so the import validation is exercised too.
"""

from __future__ import annotations

import random
from datetime import date
from datetime import time as clock_time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kiosk.checkin.booking_import import booking_rows
from kiosk.checkin.booking_qr import (
    BookingClaim,
    generate_private_key,
    key_id_for,
    load_private_key,
    private_key_to_b64,
    public_key_to_b64,
    sign_payload,
)
from kiosk.checkin.bookings import MAX_APPLICANTS
from kiosk.clock import unix_time

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

BOOKINGS_FILE = "bookings.json"  # written next to the PNGs, ready for `kiosk bookings import`
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: people type these
NICKNAMES = ("Budi", "Siti", "Yohanes", "Maria", "Agus", "Dewi", "Frans", "Ani", "Rina", "Joko",
             "Yosef", "Lusi", "Made", "Nur", "Stefanus")
REGIONS = {"KUP": "537101", "PLB": "167101", "KTP": "610401", "TBK": "210201", "TPR": "317201"}


class SampleBookings(NamedTuple):
    key_id: str
    private_key_b64: str
    public_key_b64: str
    samples: list[tuple[str, str, Path]]  # (booking code, QR payload, PNG path)


def _fake_nik(rng: random.Random, office_code: str) -> str:
    """Region (6) + birth date DDMMYY, +40 on the day for women (6) + serial (4)."""
    birth = date(rng.randint(1950, 2020), rng.randint(1, 12), rng.randint(1, 28))
    day = birth.day + (40 if rng.random() < 0.5 else 0)
    region = REGIONS.get(office_code, "317101")
    return f"{region}{day:02d}{birth:%m%y}{rng.randint(1, 9999):04d}"


def _distinct_niks(rng: random.Random, office_code: str, count: int) -> list[str]:
    """One family never shares a NIK (the import would reject the booking)."""
    niks: list[str] = []
    while len(niks) < count:
        if (nik := _fake_nik(rng, office_code)) not in niks:
            niks.append(nik)
    return niks


def _write_png(payload: str, path: Path) -> None:
    import qrcode  # imported here: only the sample generator draws PNGs

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    qr.add_data(payload)
    qr.make(fit=True)
    qr.make_image().save(str(path))


def make_sample_bookings(out_dir: Path | str, office_code: str, day: date, count: int,
                         private_key: Ed25519PrivateKey | str | None = None, *,
                         key_id: str | None = None, seed: int | None = None,
                         issued_at: int | None = None) -> SampleBookings:
    """Write ``count`` signed QR PNGs and ``bookings.json`` into ``out_dir``.

    Without ``private_key`` a new key pair is made; put its public half in the
    kiosk config under ``key_id``. Slots are hourly from 08:00.
    """
    if not 1 <= count <= 500:
        raise ValueError("count must be from 1 to 500")
    if isinstance(private_key, str):
        private_key = load_private_key(private_key)
    key = private_key or generate_private_key()
    key_id = key_id or key_id_for(key.public_key())
    issued_at = int(unix_time()) if issued_at is None else issued_at
    rng = random.Random(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    codes: set[str] = set()
    rows, samples = [], []
    for index in range(count):
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(8))
        while code in codes:
            code = "".join(rng.choice(CODE_ALPHABET) for _ in range(8))
        codes.add(code)
        hour = 8 + index % 7
        start, end = clock_time(hour), clock_time(hour + 1)
        people = rng.randint(1, MAX_APPLICANTS)
        claim = BookingClaim(code, office_code, day, start, end, people, issued_at)
        payload = sign_payload(claim, key_id, key)
        png = out / f"{code}.png"
        _write_png(payload, png)
        samples.append((code, payload, png))
        rows.append({
            "code": code, "office": office_code, "date": day.isoformat(),
            "slot_start": f"{start:%H:%M}", "slot_end": f"{end:%H:%M}", "status": "booked",
            "applicants": [{"nickname": rng.choice(NICKNAMES), "nik": nik}
                           for nik in _distinct_niks(rng, office_code, people)],
        })
    (out / BOOKINGS_FILE).write_text(booking_rows(rows), encoding="utf-8")
    return SampleBookings(key_id, private_key_to_b64(key), public_key_to_b64(key.public_key()),
                          samples)
