"""The signed booking QR: round trip, key rotation, tampering, and fuzzing the parser."""

from __future__ import annotations

import base64
import json
import re
from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.checkin.booking_qr import (
    MAX_PAYLOAD_CHARS,
    BookingClaim,
    ParseFailure,
    PlainCode,
    encode_fields,
    generate_private_key,
    key_id_for,
    load_private_key,
    load_public_key,
    load_public_keys,
    parse_payload,
    private_key_to_b64,
    public_key_to_b64,
    sign_payload,
)
from kiosk.checkin.booking_samples import BOOKINGS_FILE, make_sample_bookings
from tests.conftest import ROOT

OLD_KEY, NEW_KEY, STRANGER = generate_private_key(), generate_private_key(), generate_private_key()
KEYS = {"k2025": OLD_KEY.public_key(), "k2026": NEW_KEY.public_key()}
CLAIM = BookingClaim("FAM0001", "KUP", date(2026, 11, 25), time(9), time(10), 3, 1795500000)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def reason(text: str, keys=KEYS) -> str | None:
    result = parse_payload(text, keys)
    return result.reason if isinstance(result, ParseFailure) else None


def test_round_trip_is_compact_and_carries_the_key_id() -> None:
    payload = sign_payload(CLAIM, "k2026", NEW_KEY)
    assert payload.startswith("AQ1.") and len(payload) < 200
    assert payload.split(".")[2] == "k2026"
    assert encode_fields(CLAIM) == b"FAM0001|KUP|20261125|0900|1000|3|1795500000"
    parsed = parse_payload(payload, KEYS)
    assert parsed == BookingClaim(**{**CLAIM.__dict__, "key_id": "k2026"})
    # A keyboard-wedge scanner adds Enter; that is not tampering.
    assert parse_payload(payload + "\r\n", KEYS) == parsed


def test_key_rotation_accepts_both_keys_and_names_the_one_used() -> None:
    old = parse_payload(sign_payload(CLAIM, "k2025", OLD_KEY), KEYS)
    new = parse_payload(sign_payload(CLAIM, "k2026", NEW_KEY), KEYS)
    assert isinstance(old, BookingClaim) and old.key_id == "k2025"
    assert isinstance(new, BookingClaim) and new.key_id == "k2026"
    # Retiring the old key turns its codes into "unknown key", never into a valid claim.
    assert reason(sign_payload(CLAIM, "k2025", OLD_KEY), {"k2026": KEYS["k2026"]}) == "unknown_key"


def test_unknown_key_and_a_key_under_a_wrong_id() -> None:
    assert reason(sign_payload(CLAIM, "k2099", STRANGER)) == "unknown_key"
    # An attacker's own key presented under a trusted id does not verify.
    assert reason(sign_payload(CLAIM, "k2026", STRANGER)) == "bad_signature"
    # Nor does relabelling a genuine signature with the other trusted id.
    version, fields, _, signature = sign_payload(CLAIM, "k2025", OLD_KEY).split(".")
    assert reason(f"{version}.{fields}.k2026.{signature}") == "bad_signature"


def test_a_tampered_field_fails_the_signature() -> None:
    version, fields, key_id, signature = sign_payload(CLAIM, "k2026", NEW_KEY).split(".")
    for old, new in [(b"|3|", b"|5|"), (b"20261125", b"20261126"), (b"FAM0001", b"FAM0002"),
                     (b"|KUP|", b"|PLB|")]:
        forged = b64(encode_fields(CLAIM).replace(old, new))
        assert reason(f"{version}.{forged}.{key_id}.{signature}") == "bad_signature"


def test_a_tampered_or_truncated_signature_fails() -> None:
    payload = sign_payload(CLAIM, "k2026", NEW_KEY)
    head, signature = payload.rsplit(".", 1)
    flipped = b64(bytes([base64.urlsafe_b64decode(signature + "==")[0] ^ 1]) +
                  base64.urlsafe_b64decode(signature + "==")[1:])
    assert reason(f"{head}.{flipped}") == "bad_signature"
    assert reason(f"{head}.{b64(bytes(64))}") == "bad_signature"
    # Non-canonical base64 (the same bytes spelled differently) is refused outright.
    last = signature[-1]
    twin = "BCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_A"[
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".index(last)]
    assert reason(f"{head}.{signature[:-1]}{twin}") in ("malformed", "bad_signature")
    for cut in (1, 10, 40, len(payload) - 5, len(payload) - 1):
        result = parse_payload(payload[:cut], KEYS)
        assert not isinstance(result, BookingClaim), cut


@pytest.mark.parametrize("text", [
    "AQ2.Zm9v.k2026.Zm9v",  # unknown version
    "AQ1.Zm9v.k2026",  # three parts
    "AQ1.Zm9v.k2026.Zm9v.extra",
    "AQ1.!!!.k2026." + "A" * 86,  # bad base64
    "AQ1." + b64(b"FAM0001|KUP|20261125|0900|1000|3") + ".k2026." + b64(bytes(64)),  # 6 fields
    "AQ1." + b64(b"FAM0001|KUP|20260230|0900|1000|3|1") + ".k2026." + b64(bytes(64)),  # Feb 30
    "AQ1." + b64(b"FAM0001|KUP|20261125|1000|0900|3|1") + ".k2026." + b64(bytes(64)),  # end<start
    "AQ1." + b64(b"FAM0001|KUP|20261125|0900|1000|6|1") + ".k2026." + b64(bytes(64)),  # 6 people
    "AQ1." + b64(b"fam0001|KUP|20261125|0900|1000|3|1") + ".k2026." + b64(bytes(64)),
    "AQ1." + b64(encode_fields(CLAIM)) + ".bad key." + b64(bytes(64)),
    "AQ1." + b64(encode_fields(CLAIM)) + ".k2026." + b64(bytes(63)),  # short signature
    "A" * (MAX_PAYLOAD_CHARS + 1),
    "FAM\x000001", "FAM0001\x1b[2J", "FAMÖ0001", "ＦＡＭ０００１", "", "   ", "ABC", "a.b",
    "https://example.com/booking?code=FAM0001",
])
def test_malformed_input(text: str) -> None:
    assert reason(text) == "malformed"


def test_plain_codes_typed_or_scanned() -> None:
    assert parse_payload("FAM0001", KEYS) == PlainCode("FAM0001")
    assert parse_payload("  fam0001\n", KEYS) == PlainCode("FAM0001")
    assert parse_payload("BKG-7F3K9Q2M", KEYS) == PlainCode("BKG7F3K9Q2M")
    assert parse_payload("ABCD 1234", KEYS) == PlainCode("ABCD1234")


def test_signing_refuses_an_invalid_claim_and_keys_round_trip() -> None:
    with pytest.raises(ValueError, match="invalid booking"):
        sign_payload(BookingClaim("FAM0001", "KUP", date(2026, 11, 25), time(10), time(9), 1, 0),
                     "k1", NEW_KEY)
    with pytest.raises(ValueError, match="key id"):
        sign_payload(CLAIM, "k.1", NEW_KEY)
    private_b64 = private_key_to_b64(NEW_KEY)
    public_b64 = public_key_to_b64(NEW_KEY.public_key())
    assert len(base64.b64decode(public_b64)) == 32
    again = load_private_key(private_b64)
    assert isinstance(parse_payload(sign_payload(CLAIM, "kx", again),
                                    {"kx": load_public_key(public_b64)}), BookingClaim)
    assert set(load_public_keys({"k2026": public_b64})) == {"k2026"}
    with pytest.raises(ValueError, match="32 bytes"):
        load_public_key(base64.b64encode(b"short").decode())
    with pytest.raises(ValueError, match="base64"):
        load_public_key("not base64!")
    with pytest.raises(ValueError, match="key id"):
        load_public_keys({"bad id": public_b64})
    assert key_id_for(NEW_KEY.public_key()) == key_id_for(again.public_key())


def test_sample_bookings_make_scannable_signed_codes_and_an_importable_file(tmp_path) -> None:
    import zxingcpp
    from PIL import Image

    made = make_sample_bookings(tmp_path, "KUP", date(2026, 11, 25), 3, seed=7)
    keys = {made.key_id: load_public_key(made.public_key_b64)}
    rows = json.loads((tmp_path / BOOKINGS_FILE).read_text())
    assert [r["code"] for r in rows] == [code for code, _, _ in made.samples]
    for (code, payload, png), row in zip(made.samples, rows, strict=True):
        claim = parse_payload(payload, keys)
        assert isinstance(claim, BookingClaim) and claim.code == code
        assert claim.applicants == len(row["applicants"])
        assert all(len(a["nik"]) == 16 and a["nik"].isdigit() for a in row["applicants"])
        assert zxingcpp.read_barcodes(Image.open(png))[0].text == payload
    same_key = make_sample_bookings(tmp_path / "again", "KUP", date(2026, 11, 25), 1,
                                    made.private_key_b64)
    assert same_key.key_id == made.key_id and same_key.public_key_b64 == made.public_key_b64


def assert_never_a_claim(text: str) -> None:
    result = parse_payload(text, KEYS)
    assert isinstance(result, PlainCode | ParseFailure)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=700))
def test_arbitrary_text_never_raises_or_verifies(text: str) -> None:
    assert_never_a_claim(text)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.sampled_from(["utf-8", "latin-1", "utf-16"]))
def test_arbitrary_bytes_decoded_as_text_never_raise_or_verify(data: bytes, codec: str) -> None:
    assert_never_a_claim(data.decode(codec, errors="surrogateescape" if codec == "utf-8"
                                     else "replace"))


SIGNED = sign_payload(CLAIM, "k2026", NEW_KEY)


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=0, max_value=len(SIGNED) - 1),
       st.characters(codec="ascii"), st.sampled_from(["replace", "insert", "delete"]))
def test_any_single_edit_of_a_signed_payload_is_refused(at: int, char: str, how: str) -> None:
    if how == "replace":
        edited = SIGNED[:at] + char + SIGNED[at + 1:]
    elif how == "insert":
        edited = SIGNED[:at] + char + SIGNED[at:]
    else:
        edited = SIGNED[:at] + SIGNED[at + 1:]
    if edited.strip(" \t\r\n") == SIGNED:
        return  # surrounding whitespace is not an edit
    assert_never_a_claim(edited)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                        max_size=120), min_size=4, max_size=4))
def test_random_well_shaped_payloads_never_verify(parts: list[str]) -> None:
    parts[0] = "AQ1"
    assert_never_a_claim(".".join(parts))


def test_the_documented_example_is_exactly_what_the_code_produces() -> None:
    doc = (ROOT / "docs" / "booking-qr.md").read_text(encoding="utf-8")
    private_b64 = re.search(r"private key:\s+(\S+)", doc).group(1)
    public_b64 = re.search(r"public key:\s+(\S+)", doc).group(1)
    example = re.search(r"^(AQ1\.\S+\.kup2026a\.\S+)$", doc, re.MULTILINE).group(1)
    key = load_private_key(private_b64)
    assert public_key_to_b64(key.public_key()) == public_b64
    assert sign_payload(CLAIM, "kup2026a", key) == example
    assert parse_payload(example, {"kup2026a": load_public_key(public_b64)}).code == "FAM0001"
