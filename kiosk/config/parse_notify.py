"""[notify]: opt-in messages to applicants (kiosk/notify/). Off unless ``enabled = true``;
when on, the chosen gateway's address, token and fields are checked here, so a typo
is a config error at start-up rather than messages that silently never leave."""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.config.model import NOTIFY_GATEWAYS, NotifyConfig
from kiosk.config.parse_access import secret_value
from kiosk.config.reader import _Reader

_URL = re.compile(r"^https?://[^\s/?#]+(/[^\s#]*)?$")
_FIELD = re.compile(r"^[A-Za-z0-9_.\-\[\]]{1,40}$")
KEYS = {"enabled", "gateway", "url", "token", "token_file", "near", "timeout_s", "backoff_s",
        "backoff_max_s", "stale_after_s", "poll_s", "offer_seconds", "api_base", "api_version",
        "phone_number_id", "sms_format", "sms_to_field", "sms_text_field", "sms_token_field",
        "sms_number", "sms_extra"}


def parse_notify(root: _Reader, nik_salt: bytes | None, base: Path) -> NotifyConfig:
    sub = root.table("notify", required=False)
    sub.unknown_keys(KEYS)
    if not sub.data:
        return NotifyConfig()
    enabled = sub.boolean("enabled", False)
    gateway = sub.choice("gateway", NOTIFY_GATEWAYS, "webhook")
    url = sub._get("url", "", str, 'an address such as "https://sms.example.id/send"').strip()
    token_file = None
    if "token_file" in sub.data:  # a file only the service reads (kiosk/config/secrets.py)
        token, token_file = sub.checked(lambda: secret_value(sub, base, "token"), ("", None))
    else:
        token = sub._get("token", "", str, "the gateway's token in quotes").strip()
    api_base = sub._get("api_base", "https://graph.facebook.com", str,
                        'an address such as "https://graph.facebook.com"').strip().rstrip("/")
    version = sub._get("api_version", "v23.0", str, 'a Graph API version such as "v23.0"')
    number_id = sub._get("phone_number_id", "", str, "the WhatsApp phone number id in quotes")
    extra = sub._get("sms_extra", {}, dict, "a table of fixed text fields")
    if not all(isinstance(v, str) and _FIELD.match(k) for k, v in extra.items()):
        sub.report("sms_extra", "field names of letters, digits, _ . - and text values", "...")
        extra = {}
    fields = {name: sub._get(name, default, str, "a field name such as \"to\"")
              for name, default in (("sms_to_field", "to"), ("sms_text_field", "message"),
                                    ("sms_token_field", ""))}
    for name, value in fields.items():
        if value and not _FIELD.match(value):
            sub.report(name, "a field name of letters, digits, _ . -", value)
    config = NotifyConfig(
        enabled=enabled, gateway=gateway, url=url, token=token, token_file=token_file,
        near=sub.integer("near", 3, lo=0, hi=50),
        timeout_s=sub.number("timeout_s", 10.0, lo=0.5, hi=120),
        backoff_s=sub.number("backoff_s", 5.0, lo=0.1, hi=3600),
        backoff_max_s=sub.number("backoff_max_s", 300.0, lo=1, hi=86400),
        stale_after_s=sub.number("stale_after_s", 1800.0, lo=10, hi=86400),
        poll_s=sub.number("poll_s", 5.0, lo=0.2, hi=600),
        offer_seconds=sub.number("offer_seconds", 45.0, lo=5, hi=600),
        api_base=api_base, api_version=version.strip(), phone_number_id=number_id.strip(),
        sms_format=sub.choice("sms_format", ("form", "json"), "form"),
        sms_to_field=fields["sms_to_field"], sms_text_field=fields["sms_text_field"],
        sms_token_field=fields["sms_token_field"],
        sms_number=sub.choice("sms_number", ("e164", "62", "0"), "e164"),
        sms_extra=dict(extra))
    if enabled:
        _check_gateway(sub, config, nik_salt)
    return config


def _check_gateway(sub: _Reader, config: NotifyConfig, nik_salt: bytes | None) -> None:
    """What the chosen gateway needs; each problem names its key (token values never shown)."""
    if nik_salt is not None and len(nik_salt) < 16:
        sub.report("enabled", "[checkin] nik_salt to be set first: phone numbers are sealed "
                   "with a key derived from it (`openssl rand -hex 16`)", True)
    if config.gateway == "whatsapp":
        if not _URL.match(config.api_base):
            sub.report("api_base", 'an http(s) address such as "https://graph.facebook.com"',
                       config.api_base)
        if not re.fullmatch(r"v\d+\.\d+", config.api_version):
            sub.report("api_version", 'a Graph API version such as "v23.0"', config.api_version)
        if not config.phone_number_id.isdigit():
            sub.report("phone_number_id", "the WhatsApp Business phone number id (digits, "
                       "from Meta's app dashboard)", config.phone_number_id or None)
        if not config.token:
            sub.report("token", "the WhatsApp Business access token (the key is missing)")
    elif not _URL.match(config.url):
        sub.report("url", f'the {config.gateway} gateway\'s http(s) address, such as '
                   '"https://sms.example.id/api/send"', config.url or None)
