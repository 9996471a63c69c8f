"""Who may act at the kiosk, in the config file: the [staff] PINs, [[counters]] with
their API tokens and the [lan_api] address, [checkin] keys and NIK salt, [walkin]
limits, and the hub's address and token in [sync]."""

from __future__ import annotations

import base64
import binascii
import os
import re
from pathlib import Path

from kiosk.config.model import (
    CheckinConfig,
    CounterConfig,
    LanApiConfig,
    SyncConfig,
    WalkinConfig,
)
from kiosk.config.reader import _REQUIRED, _Reader, resolve_path
from kiosk.config.secrets import SecretFileError, read_secret
from kiosk.privacy.pin import (
    DEMO_PIN,
    REAL_OFFICE_MIN_DIGITS,
    is_pin_hash,
    pin_digits,
    verify_pin,
)


def parse_staff(root: _Reader, simulation: bool) -> tuple[str, dict[str, str], float]:
    """(the office PIN's hash, each member's, idle seconds) of the [staff] table."""
    staff = root.table("staff")
    staff.unknown_keys({"pin_hash", "members", "idle_seconds"})
    idle_seconds = staff.number("idle_seconds", 120.0, lo=15, hi=3600)
    members = _parse_staff_members(staff, simulation)
    pin_hash = staff.text("pin_hash", _REQUIRED)
    if not is_pin_hash(pin_hash):
        raise staff.fail("pin_hash", "a hash made by `kiosk pin-hash` (scrypt$...)", pin_hash[:24])
    if not simulation and is_demo_pin(pin_hash):
        raise staff.fail("pin_hash", f"a real staff PIN, not the demo PIN {DEMO_PIN} "
                         "(make one with `kiosk pin-hash`)")
    if not simulation:
        _long_enough(staff, pin_hash)
    return pin_hash, members, idle_seconds


def is_demo_pin(hashed: str) -> bool:
    """Whether ``hashed`` is the hash of the demo PIN. A hash records its PIN's length
    (the 6-digit rule below trusts it too), and one of another length cannot be the
    demo PIN's: the scrypt check (~45 ms on a desktop, several times that on a Pi) then
    never runs, and every load of a real office's config (each `kiosk issue`, each
    start) is spared it."""
    digits = pin_digits(hashed)
    if digits is not None and digits != len(DEMO_PIN):
        return False
    return verify_pin(DEMO_PIN, hashed)


def _long_enough(section: _Reader, hashed: str) -> None:
    """A real office's PINs have 6 digits or more: 4 fall to patience (issue 16)."""
    digits = pin_digits(hashed)
    if digits is None or digits < REAL_OFFICE_MIN_DIGITS:
        made = ("a hash that does not record its PIN's length (made before `kiosk pin-hash`"
                " recorded it)" if digits is None else f"the hash of a {digits}-digit PIN")
        raise section.fail("pin_hash", f"the hash of a PIN of at least {REAL_OFFICE_MIN_DIGITS}"
                           f" digits in a real office (simulation = false), made with `kiosk"
                           f" pin-hash`; this is {made}")


def _parse_staff_members(staff: _Reader, simulation: bool) -> dict[str, str]:
    """``members = [{ id = "ani", pin_hash = "scrypt$..." }, ...]``: one PIN per person."""
    members: dict[str, str] = {}
    for index, item in enumerate(staff._get("members", [], list,
                                            'a list like [{ id = "ani", pin_hash = "..." }]')):
        if not isinstance(item, dict):
            staff.report(f"members[{index}]", '{ id = "...", pin_hash = "..." }', item)
            continue
        sub = staff.sub(item, f"{staff.prefix}members[{index}].")
        sub.unknown_keys({"id", "pin_hash"})
        who = sub.checked(lambda s=sub: s.text("id", _REQUIRED))
        if who is not None and (not re.fullmatch(r"[a-z0-9_.-]{1,32}", who)
                                or who == "petugas" or who in members):
            sub.report("id", "a unique short id of lower-case letters/digits "
                       "(not 'petugas', the office PIN's id)", who)
        hashed = sub.checked(lambda s=sub: _member_pin_hash(s, simulation))
        if who is not None and hashed is not None:
            members[who] = hashed
    return members


def _member_pin_hash(sub: _Reader, simulation: bool) -> str:
    hashed = sub.text("pin_hash", _REQUIRED)
    if not is_pin_hash(hashed):
        raise sub.fail("pin_hash", "a hash made by `kiosk pin-hash` (scrypt$...)", hashed[:24])
    if not simulation and is_demo_pin(hashed):
        raise sub.fail("pin_hash", f"a real PIN, not the demo PIN {DEMO_PIN}")
    if not simulation:
        _long_enough(sub, hashed)
    return hashed


def parse_counters(root: _Reader, lane_codes: set[str]) -> tuple[CounterConfig, ...]:
    raw = root._get("counters", [], list, "a list of [[counters]] tables")
    counters: list[CounterConfig] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            root.report(f"counters[{index}]", "a [[counters]] table", item)
            continue
        sub = root.sub(item, f"counters[{index}].")
        counter = sub.checked(lambda s=sub: _parse_counter(s, counters, lane_codes))
        if counter is not None:
            counters.append(counter)
    return tuple(counters)


def _parse_counter(sub: _Reader, counters: list[CounterConfig],
                   lane_codes: set[str]) -> CounterConfig:
    sub.unknown_keys({"number", "name", "lanes", "services", "stages", "token_hash",
                      "next_button", "recall_button"})
    number = sub.integer("number", _REQUIRED, lo=1, hi=99)
    if any(c.number == number for c in counters):
        sub.report("number", "a counter number used once", number)
    key = "services" if "services" in sub.data else "lanes"  # "services": the newer name
    if "services" in sub.data and "lanes" in sub.data:
        sub.report("services", 'either "services" or "lanes" (the older name), not both')
    lanes = sub._get(key, sorted(lane_codes), list, f'a list of {key} such as ["A", "P"]')
    for code in lanes:
        if not isinstance(code, str) or code not in lane_codes:
            sub.report(key, f"{key[:-1]} codes from {sorted(lane_codes)}",
                       code)
    stages = sub._get("stages", [], list, 'a list of stages such as ["berkas"]')
    token_hash = sub.text("token_hash", None)
    if token_hash is not None:
        token_hash = token_hash.strip().lower()
        if not _TOKEN_HASH.match(token_hash):
            sub.report("token_hash", 'a hash made by `kiosk api-token` ("sha256$" and '
                       "64 hex digits)", token_hash[:16])
        elif any(c.token_hash == token_hash for c in counters):
            # One token must name one counter, or it could act for the wrong desk.
            sub.report("token_hash", "a different token for each counter")
    return CounterConfig(number, sub.text("name", f"Loket {number}"),
                         frozenset(c for c in lanes if isinstance(c, str)), token_hash,
                         sub.integer("next_button", None, lo=0, hi=27),
                         sub.integer("recall_button", None, lo=0, hi=27),
                         frozenset(s for s in stages if isinstance(s, str)))


_TOKEN_HASH = re.compile(r"^sha256\$[0-9a-f]{64}$")


def check_demo_tokens(root: _Reader, counters: tuple[CounterConfig, ...]) -> None:
    """A real office must not accept the tokens printed in the simulation config."""
    import hashlib  # here: a simulation's `kiosk issue` never loads it

    for index, counter in enumerate(counters):
        demo = "sha256$" + hashlib.sha256(demo_token(counter.number).encode()).hexdigest()
        if counter.token_hash == demo:
            root.report(f"counters[{index}].token_hash", "a real token, not the demo token "
                        f"{demo_token(counter.number)} (make one with `kiosk api-token`)")


def demo_token(counter: int) -> str:
    """The simulation's published token for a counter: refused outside simulation."""
    return f"loket{counter}-demo"


def parse_listen(text: str) -> LanApiConfig:
    """ "127.0.0.1:8470" / "[::1]:8470" -> LanApiConfig; ValueError if it is not one."""
    host, sep, port_text = text.strip().rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise ValueError('an address and port such as "127.0.0.1:8470" or "0.0.0.0:8470"')
    return LanApiConfig(host, int(port_text))


def parse_lan_api(root: _Reader) -> LanApiConfig:
    sub = root.table("lan_api", required=False)
    sub.unknown_keys({"listen"})
    listen = sub.text("listen", "127.0.0.1:8470").strip()
    try:
        parsed = parse_listen(listen)
    except ValueError as exc:
        raise sub.fail("listen", str(exc), listen) from None
    if parsed.port == 0:  # port 0 is "any free port": counters could never find it
        sub.report("listen", "a port from 1 to 65535", listen)
    return parsed


_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_HEX = re.compile(r"^[0-9a-fA-F]+$")


def secret_value(sub: _Reader, base: Path, name: str) -> tuple[str, Path | None]:
    """A secret given in the file (``name``) or in a file only the service reads
    (``name_file``, kiosk/config/secrets.py): its text and the file it came from."""
    path_text = sub.text(f"{name}_file", None)
    if path_text is None:
        return (sub.text(name, None) or "").strip(), None
    if name in sub.data:
        sub.report(name, f"no value when {name}_file is set: keep the secret in one place",
                   "(hidden)")
    path = resolve_path(base, os.path.expandvars(path_text))
    try:
        return read_secret(path), path
    except SecretFileError as exc:
        raise sub.fail(f"{name}_file", f"a readable file holding the secret ({exc})",
                       str(path)) from None


def parse_checkin(root: _Reader, base: Path) -> CheckinConfig:
    sub = root.table("checkin", required=False)
    sub.unknown_keys({"early_minutes", "late_minutes", "nik_salt", "nik_salt_file", "keys"})
    # No salt: bookings carry no NIKs.
    salt, salt_file = sub.checked(lambda: secret_value(sub, base, "nik_salt"), ("", None))
    if salt and (not _HEX.match(salt) or len(salt) < 32):
        key = "nik_salt_file" if salt_file else "nik_salt"
        sub.report(key, "at least 32 hex digits (16 random bytes, e.g. from "
                   "`openssl rand -hex 16`)", salt[:8] + "...")
        salt = ""
    keys_reader = sub.table("keys", required=False)
    keys: dict[str, str] = {}
    for key_id in keys_reader.data:
        if (value := keys_reader.checked(lambda k=key_id: _public_key(keys_reader, k))):
            keys[key_id] = value
    return CheckinConfig(
        early_minutes=sub.integer("early_minutes", 60, lo=0, hi=1440),
        late_minutes=sub.integer("late_minutes", 30, lo=0, hi=1440),
        nik_salt=bytes.fromhex(salt) if salt else b"",
        public_keys=keys,
        nik_salt_file=salt_file,
    )


def _public_key(keys_reader: _Reader, key_id: str) -> str:
    if not _KEY_ID.match(key_id):
        raise keys_reader.fail(key_id, "a key id of 1-16 letters, digits, '_' or '-'")
    value = keys_reader.text(key_id, _REQUIRED)
    # Base64 of 32 bytes is all kiosk.checkin.booking_qr.load_public_keys needs (any 32 bytes
    # make an Ed25519 key); checked here without importing cryptography, which
    # `kiosk run` loads only after its first frame (docs/design.md, "Start-up").
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise keys_reader.fail(key_id, "a base64 Ed25519 public key (32 bytes)", value[:12])
    return value


def parse_walkin(root: _Reader, checkin: CheckinConfig | None) -> WalkinConfig:
    """``checkin`` None: it had problems, so require_nik is not matched against it."""
    sub = root.table("walkin", required=False)
    sub.unknown_keys({"require_nik", "max_per_nik", "per_minute"})
    walkin = WalkinConfig(
        require_nik=sub.boolean("require_nik", False),
        max_per_nik=sub.integer("max_per_nik", 1, lo=1, hi=10),
        per_minute=sub.integer("per_minute", 10, lo=0, hi=600),
    )
    if walkin.require_nik and checkin is not None and len(checkin.nik_salt) < 16:
        # The office secret keys the stored NIK hash: without it a NIK could be recovered.
        sub.report("require_nik", "[checkin] nik_salt to be set first (32+ hex digits, "
                   "`openssl rand -hex 16`) when require_nik = true", True)
    return walkin


_HUB_URL = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$")


def parse_sync(root: _Reader, base: Path) -> SyncConfig:
    sub = root.table("sync", required=False)
    sub.unknown_keys({"hub_url", "token", "token_file", "interval_s", "timeout_s", "batch_size",
                      "backoff_max_s", "leases", "lease_block", "lease_low_water"})
    if not sub.data:
        return SyncConfig()
    url = (sub.checked(lambda: sub.text("hub_url", _REQUIRED)) or "").strip().rstrip("/")
    if url and not _HUB_URL.match(url):
        sub.report("hub_url", 'the hub address such as "https://hub.example.go.id:8480"', url)
    token, token_file = sub.checked(lambda: secret_value(sub, base, "token"), ("", None))
    if not token and token_file is None and "token" not in sub.data:
        sub.report("token", "the kiosk token from `kiosk hub token` (or token_file, a file "
                   "holding it; the key is missing)")
    if token and len(token) < 16:
        sub.report("token_file" if token_file else "token",
                   "the kiosk token from `kiosk hub token` (43 characters)",
                   token[:4] + "...")
    block = sub.integer("lease_block", 10, lo=1, hi=100)
    low = sub.integer("lease_low_water", 5, lo=0, hi=100)
    if low >= block * 2:
        sub.report("lease_low_water", f"fewer than twice lease_block ({block * 2})", low)
    return SyncConfig(
        hub_url=url, token=token, token_file=token_file,
        interval_s=sub.number("interval_s", 30.0, lo=1, hi=3600),
        timeout_s=sub.number("timeout_s", 10.0, lo=0.5, hi=120),
        batch_size=sub.integer("batch_size", 500, lo=1, hi=1000),
        backoff_max_s=sub.number("backoff_max_s", 300.0, lo=1, hi=86400),
        leases=sub.boolean("leases", False), lease_block=block, lease_low_water=low,
    )
