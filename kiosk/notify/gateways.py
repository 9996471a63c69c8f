"""The gateways a message can leave by, behind one small interface: ``send(message)``
returns when the gateway accepted it (2xx), or raises SendFailed saying whether the
same message may be tried again later (down, slow, cut off, 429, 5xx) or not (the
gateway refused it: a wrong number or token, 4xx).

- ``webhook``: a JSON POST of ``{"id", "to", "text", "kind", "ticket"}`` to the
  office's own relay; ``Idempotency-Key`` carries the message id, the same on every
  try, so a relay can drop a repeat of a request whose answer was lost.
- ``whatsapp``: the WhatsApp Business Cloud API's message call, ``POST
  {api_base}/{version}/{phone_number_id}/messages`` with a Bearer token and a text
  message body as Meta documents it.
- ``sms``: an HTTP SMS gateway as Indonesian providers offer them: a form or JSON
  POST with configurable field names, the number as +62..., 62... or 08...

One HTTP client stack (httpx, as the hub client) for every outgoing call. The
token is read in one place, gateway_token(), and never logged: errors name the
status and the gateway's own short reason, never the request.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import httpx

if TYPE_CHECKING:
    from kiosk.config.model import NotifyConfig

log = logging.getLogger(__name__)
RETRY_STATUSES = {408, 425, 429}  # and every 5xx
REASON_CHARS = 160  # of a refusal's body kept for staff (never the request)


@dataclass(frozen=True)
class Outgoing:
    id: str  # the outbox row's id: the same on every try
    phone: str  # E.164, opened from its seal just for this call
    text: str
    kind: str  # near | turn | turn:<stage>
    ticket: str  # the ticket label, e.g. "A012"


class SendFailed(Exception):
    """Not accepted. ``retry``: the same message may go again later (after
    ``retry_after`` seconds if the gateway said so)."""

    def __init__(self, reason: str, retry: bool, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.retry, self.retry_after = reason, retry, retry_after


class Gateway(Protocol):
    name: str

    def send(self, message: Outgoing) -> None: ...

    def close(self) -> None: ...


def gateway_token(config: NotifyConfig) -> str:
    """The gateway's secret: the one place it is read (a credentials file may come later)."""
    return config.token


class _Http:
    """The shared HTTP part: one client, one timeout, the answer judged the same way."""

    name = "http"

    def __init__(self, config: NotifyConfig, transport: httpx.BaseTransport | None = None
                 ) -> None:
        self.config = config
        # No proxy from the environment by surprise: the gateway is the office's choice.
        self.http = httpx.Client(timeout=httpx.Timeout(config.timeout_s), transport=transport,
                                 follow_redirects=False)

    def close(self) -> None:
        self.http.close()

    def _post(self, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.http.post(url, **kwargs)
        except httpx.TimeoutException:
            raise SendFailed(f"no answer within {self.config.timeout_s:g} s", True) from None
        except httpx.TransportError as exc:  # refused, reset, cut off mid-request
            raise SendFailed(f"{type(exc).__name__}: {exc}"[:REASON_CHARS], True) from None
        status = response.status_code
        if 200 <= status < 300:
            return response
        reason = f"HTTP {status} {_short(response)}".strip()
        if status in RETRY_STATUSES or status >= 500:
            raise SendFailed(reason, True, _retry_after(response))
        raise SendFailed(reason, False)


def _short(response: httpx.Response) -> str:
    """The gateway's own reason (Meta: error.message), shortened; never our request."""
    try:
        body = response.json()
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            return str(body["error"].get("message", ""))[:REASON_CHARS]
    except ValueError:
        pass
    return response.text[:REASON_CHARS].replace("\n", " ")


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: our own back-off is close enough


class WebhookGateway(_Http):
    name = "webhook"

    def send(self, message: Outgoing) -> None:
        headers = {"Idempotency-Key": message.id}
        if token := gateway_token(self.config):
            headers["Authorization"] = f"Bearer {token}"
        self._post(self.config.url, headers=headers, json={
            "id": message.id, "to": message.phone, "text": message.text,
            "kind": message.kind, "ticket": message.ticket})


class WhatsAppGateway(_Http):
    name = "whatsapp"

    @property
    def url(self) -> str:
        c = self.config
        return f"{c.api_base.rstrip('/')}/{c.api_version}/{c.phone_number_id}/messages"

    def send(self, message: Outgoing) -> None:
        # Meta's "Send text message" body; "to" is the number with its country code.
        self._post(self.url, headers={"Authorization": f"Bearer {gateway_token(self.config)}"},
                   json={"messaging_product": "whatsapp", "recipient_type": "individual",
                         "to": message.phone.lstrip("+"), "type": "text",
                         "text": {"preview_url": False, "body": message.text}})


def sms_number(e164: str, style: str) -> str:
    """+6281234567890 as the gateway wants it: e164, 62 (6281...) or 0 (081...)."""
    if style == "62":
        return e164.lstrip("+")
    if style == "0":
        return "0" + e164.removeprefix("+62")
    return e164


class SmsGateway(_Http):
    name = "sms"

    def send(self, message: Outgoing) -> None:
        c = self.config
        fields = dict(c.sms_extra)
        fields[c.sms_to_field] = sms_number(message.phone, c.sms_number)
        fields[c.sms_text_field] = message.text
        headers = {"Idempotency-Key": message.id}
        token = gateway_token(c)
        if token and c.sms_token_field:
            fields[c.sms_token_field] = token
        elif token:
            headers["Authorization"] = f"Bearer {token}"
        body = {"json": fields} if c.sms_format == "json" else {"data": fields}
        self._post(c.url, headers=headers, **body)


GATEWAYS = {"webhook": WebhookGateway, "whatsapp": WhatsAppGateway, "sms": SmsGateway}


def make_gateway(config: NotifyConfig, transport: httpx.BaseTransport | None = None) -> Gateway:
    return GATEWAYS[config.gateway](config, transport)
