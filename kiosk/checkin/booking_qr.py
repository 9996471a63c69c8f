"""The booking QR payload: a compact, versioned, Ed25519-signed booking claim.

The kiosk often has no network and may never have received the day's booking
list, so the QR must prove itself: the booking system signs it and the kiosk
holds only public keys. Everything a scanner or keyboard can deliver reaches
``parse_payload``, so it validates strictly and never raises. The format is
documented byte by byte in docs/booking-qr.md.

cryptography is imported where keys are made or used, not with this module:
its ~50 ms would otherwise delay the kiosk's first frame (docs/design.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, time
from typing import TYPE_CHECKING, Literal

from kiosk.checkin.bookings import CODE_PATTERN, MAX_APPLICANTS, OFFICE_PATTERN

VERSION = "AQ1"
MAX_PAYLOAD_CHARS = 512  # a real payload is about 160; anything longer is not ours
FIELD_SEPARATOR = "|"
FIELD_COUNT = 7
SIGNATURE_BYTES = 64
KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,16}")
_B64URL = re.compile(r"[A-Za-z0-9_-]+")
_DAY = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_HHMM = re.compile(r"([01][0-9]|2[0-3])([0-5][0-9])")
_COUNT = re.compile(f"[1-{MAX_APPLICANTS}]")
_UNIX = re.compile(r"0|[1-9][0-9]{0,11}")
_TYPED_SEPARATORS = str.maketrans("", "", " -")  # "ab12-cd34" typed from an e-mail

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

FailureReason = Literal["malformed", "unknown_key", "bad_signature"]


@dataclass(frozen=True)
class BookingClaim:
    """What a signed QR asserts. Times are office-local; issued_at is unix seconds."""

    code: str
    office_code: str
    day: date
    slot_start: time
    slot_end: time
    applicants: int
    issued_at: int
    key_id: str | None = None  # set by parse_payload: which key vouched for it


@dataclass(frozen=True)
class PlainCode:
    """A booking code with no proof: typed, or a QR that holds only the code."""

    code: str


@dataclass(frozen=True)
class ParseFailure:
    reason: FailureReason
    detail: str = ""  # for staff logs; never the scanned text itself


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes | None:
    """Strict unpadded base64url: one spelling per value, so a payload cannot be
    varied (and replayed as "new") without changing what it says."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        return None
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    return data if _b64encode(data) == text else None


def encode_fields(claim: BookingClaim) -> bytes:
    """code|office|YYYYMMDD|HHMM|HHMM|count|issued_at, ASCII."""
    return FIELD_SEPARATOR.join((
        claim.code, claim.office_code, f"{claim.day:%Y%m%d}", f"{claim.slot_start:%H%M}",
        f"{claim.slot_end:%H%M}", str(claim.applicants), str(claim.issued_at),
    )).encode("ascii")


def decode_fields(data: bytes) -> BookingClaim | str:
    """The claim, or a short reason why the fields are not one."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        return "fields are not ASCII"
    parts = text.split(FIELD_SEPARATOR)
    if len(parts) != FIELD_COUNT:
        return f"expected {FIELD_COUNT} fields, found {len(parts)}"
    code, office, day_text, start_text, end_text, count, issued = parts
    if not CODE_PATTERN.fullmatch(code):
        return "bad booking code"
    if not OFFICE_PATTERN.fullmatch(office):
        return "bad office code"
    day_match = _DAY.fullmatch(day_text)
    try:
        if day_match is None:
            raise ValueError
        day = date(*(int(g) for g in day_match.groups()))
    except ValueError:
        return "bad date"
    start, end = _HHMM.fullmatch(start_text), _HHMM.fullmatch(end_text)
    if start is None or end is None:
        return "bad slot time"
    slot_start = time(int(start.group(1)), int(start.group(2)))
    slot_end = time(int(end.group(1)), int(end.group(2)))
    if slot_start >= slot_end:
        return "slot start is not before slot end"
    if not _COUNT.fullmatch(count):
        return f"applicant count must be 1 to {MAX_APPLICANTS}"
    if not _UNIX.fullmatch(issued):
        return "bad issued-at time"
    return BookingClaim(code, office, day, slot_start, slot_end, int(count), int(issued))


def _signed_part(fields_b64: str, key_id: str) -> bytes:
    # The version and key id are signed too: neither can be swapped after signing.
    return f"{VERSION}.{fields_b64}.{key_id}".encode("ascii")


def sign_payload(booking: BookingClaim, key_id: str, private_key: Ed25519PrivateKey) -> str:
    """The QR text for a booking (done by the booking system; here for samples and tests)."""
    if not KEY_ID_PATTERN.fullmatch(key_id):
        raise ValueError("key id must be 1-16 letters, digits, '_' or '-'")
    fields = encode_fields(booking)
    checked = decode_fields(fields)
    if isinstance(checked, str):
        raise ValueError(f"cannot sign an invalid booking: {checked}")
    fields_b64 = _b64encode(fields)
    signature = private_key.sign(_signed_part(fields_b64, key_id))
    return f"{VERSION}.{fields_b64}.{key_id}.{_b64encode(signature)}"


def parse_payload(text: str, public_keys: Mapping[str, Ed25519PublicKey]
                  ) -> BookingClaim | PlainCode | ParseFailure:
    """Classify whatever was scanned or typed. Never raises.

    Order: shape and fields first (cheap, no crypto on garbage), then the key
    id, then the signature over exactly the bytes that were scanned.
    """
    if not isinstance(text, str):
        return ParseFailure("malformed", "not text")
    if len(text) > MAX_PAYLOAD_CHARS:
        return ParseFailure("malformed", "too long")
    text = text.strip(" \t\r\n")  # keyboard-wedge scanners end with Enter
    if not text.isascii() or not text.isprintable():
        return ParseFailure("malformed", "non-ASCII or control characters")
    if "." not in text:
        code = text.translate(_TYPED_SEPARATORS).upper()
        if CODE_PATTERN.fullmatch(code):
            return PlainCode(code)
        return ParseFailure("malformed", "neither a booking code nor a signed payload")
    parts = text.split(".")
    if len(parts) != 4:
        return ParseFailure("malformed", f"expected 4 dot-separated parts, found {len(parts)}")
    version, fields_b64, key_id, signature_b64 = parts
    if version != VERSION:
        return ParseFailure("malformed", "unsupported version")
    if not KEY_ID_PATTERN.fullmatch(key_id):
        return ParseFailure("malformed", "bad key id")
    fields = _b64decode(fields_b64)
    signature = _b64decode(signature_b64)
    if fields is None or signature is None or len(signature) != SIGNATURE_BYTES:
        return ParseFailure("malformed", "bad base64url")
    claim = decode_fields(fields)
    if isinstance(claim, str):
        return ParseFailure("malformed", claim)
    key = public_keys.get(key_id)
    if key is None:
        return ParseFailure("unknown_key", f"no public key with id {key_id}")
    from cryptography.exceptions import InvalidSignature

    try:
        key.verify(signature, _signed_part(fields_b64, key_id))
    except InvalidSignature:
        return ParseFailure("bad_signature", f"signature does not match key {key_id}")
    return replace(claim, key_id=key_id)


# --- keys: raw 32-byte Ed25519 keys as standard base64 ------------------------


def generate_private_key() -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate()


def private_key_to_b64(key: Ed25519PrivateKey) -> str:
    return base64.b64encode(key.private_bytes_raw()).decode("ascii")


def public_key_to_b64(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes_raw()).decode("ascii")


def _raw32(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{what} must be base64 text") from None
    if len(raw) != 32:
        raise ValueError(f"{what} must be 32 bytes (44 base64 characters), got {len(raw)}")
    return raw


def load_private_key(text: str) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(_raw32(text, "an Ed25519 private key"))


def load_public_key(text: str) -> Ed25519PublicKey:
    return _public_key(_raw32(text, "an Ed25519 public key"))


def _public_key(raw: bytes) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(raw)


class PublicKeys(Mapping[str, "Ed25519PublicKey"]):
    """Checked public keys, made into cryptography key objects on first use.

    Everything that can be wrong with a configured key (its id, base64, length)
    is checked when this is built; any 32 bytes then make an Ed25519 public key.
    """

    def __init__(self, raw: Mapping[str, bytes]) -> None:
        self._raw = dict(raw)
        self._keys: dict[str, Ed25519PublicKey] = {}

    def __getitem__(self, key_id: str) -> Ed25519PublicKey:
        key = self._keys.get(key_id)
        if key is None:
            key = self._keys[key_id] = _public_key(self._raw[key_id])
        return key

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def load_all(self) -> None:
        """Make every key object now (after the first frame), not on the first scan."""
        for key_id in self._raw:
            self[key_id]


def load_public_keys(keys: Mapping[str, str]) -> PublicKeys:
    """{key id: base64 public key} from the config, checked, for CheckinPolicy."""
    raw = {}
    for key_id, text in keys.items():
        if not KEY_ID_PATTERN.fullmatch(key_id):
            raise ValueError(f"key id {key_id!r}: use 1-16 letters, digits, '_' or '-'")
        raw[key_id] = _raw32(text, "an Ed25519 public key")
    return PublicKeys(raw)


def key_id_for(public_key: Ed25519PublicKey) -> str:
    """A default key id derived from the key, so two keys never share one by accident."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "k" + hashlib.sha256(raw).hexdigest()[:8]
