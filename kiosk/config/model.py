"""What a loaded configuration is: the frozen dataclasses load_config returns
(Config and one per section), and the fixed choices their fields take."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

OFFICE_TIMEZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LANE_CODES = ("A", "P", "B")  # the default services (lanes) of a config without [services]
# A service (lane) code is one capital letter: the ticket prefix, e.g. "C" for C001.
SERVICE_CODE = re.compile(r"^[A-Z]$")
SERVICE_KINDS = ("walkin", "priority", "booked")
# A stage name travels in hub events (sync protocol 2 refuses longer ones).
MAX_STAGE_CHARS = 40
# The kind of the default lanes; any other code is a walk-in service unless it says otherwise.
DEFAULT_KINDS = {"A": "walkin", "P": "priority", "B": "booked"}
PRINTER_BACKENDS = ("simulation", "usb", "serial", "network", "file")
LANGUAGES = ("id", "en")
PIN_FACTORIES = ("auto", "mock", "lgpio", "rpigpio", "native")
DISPLAY_KINDS = ("none", "seven_segment", "lamps")
SCREEN_THEMES = ("standard", "high_contrast")
# [office] code and device_id (and the hub's office and device codes).
CODE_PATTERN = re.compile(r"^[A-Z0-9-]{2,16}$")


@dataclass(frozen=True)
class DayHours:
    opens: time
    closes: time
    lanes: frozenset[str]


@dataclass(frozen=True)
class Lane:
    """One service of the office (docs/configuration.md, "Services"): ``[lanes.X]`` or
    ``[services.X]``. The default A/P/B lanes are services of kind walkin/priority/booked."""

    code: str
    name_id: str
    name_en: str
    cap: int | None
    kind: str = "walkin"  # walkin | priority | booked (SERVICE_KINDS)
    nik: bool | None = None  # None: as [walkin] require_nik says (walk-in and priority kinds)
    stages: tuple[str, ...] = ()  # e.g. ("berkas", "foto"): the visit's steps, in order
    # Weekdays (0 = Monday) whose hours differ from the office's [hours]: None = not issued.
    hours: dict[int, DayHours | None] = field(default_factory=dict)

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_id


Service = Lane  # the issue-13 name; the code base still says "lane" throughout

# What the stages of an immigration office's visits are called on boards, staff screens,
# reports and in spoken calls, unless [stages.NAME] says otherwise (Indonesian, English).
DEFAULT_STAGE_NAMES: dict[str, tuple[str, str]] = {
    "berkas": ("Pemeriksaan berkas", "Document check"),
    "foto": ("Foto & wawancara", "Photo & interview"),
    "wawancara": ("Wawancara", "Interview"),
    "biometrik": ("Foto & sidik jari", "Photo & fingerprints"),
    "pembayaran": ("Pembayaran", "Payment"),
    "pengambilan": ("Pengambilan", "Pick-up"),
}


@dataclass(frozen=True)
class Office:
    code: str
    name: str
    address: str
    timezone: ZoneInfo
    device_id: str


@dataclass(frozen=True)
class PrinterConfig:
    backend: str
    paper_width_mm: int
    print_qr: bool
    status_timeout_s: float
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GpioConfig:
    pin_factory: str
    walkin_button: int
    priority_button: int
    paper_led: int
    bounce_s: float
    cooldown_s: float
    # More services (issue 13): a button per other walk-in/priority service, code -> GPIO.
    service_buttons: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckinConfig:
    early_minutes: int
    late_minutes: int
    nik_salt: bytes
    public_keys: dict[str, str]  # key id -> base64 Ed25519 public key
    nik_salt_file: Path | None = None  # where nik_salt came from (None: the config itself)


@dataclass(frozen=True)
class CameraConfig:
    source: str  # "" = no camera; "0", "/dev/video0", a folder or a video file
    decoder: str
    fps: float


@dataclass(frozen=True)
class CounterConfig:
    number: int
    name: str
    lanes: frozenset[str]  # the services this counter serves ("services" or "lanes" in the file)
    # "sha256$<hex>" of the counter's LAN API token; None: this counter cannot use the API.
    token_hash: str | None = None
    # GPIO pins of the counter's own "next" / "recall" push buttons (None: no button).
    next_button: int | None = None
    recall_button: int | None = None
    stages: frozenset[str] = frozenset()  # stages served here (empty: every stage)


@dataclass(frozen=True)
class LanApiConfig:
    """Where the kiosk's LAN API listens (docs/lan-api.md): localhost unless told otherwise."""

    host: str = "127.0.0.1"
    port: int = 8470


@dataclass(frozen=True)
class BoardConfig:
    notice: str = ""  # scrolls along the bottom of the lobby board ("" = none)


@dataclass(frozen=True)
class SurveyConfig:
    """[survey]: the satisfaction survey station (kiosk/survey/, docs/operation.md)."""

    mode: str = "full"  # full (nine elements, the IKM) | quick (one question, four faces)
    # A station on another Pi: the kiosk's LAN server ("" = this machine's store).
    kiosk_url: str = ""


@dataclass(frozen=True)
class TrackingConfig:
    """[tracking]: the ticket's QR opens ``base_url``/t/<token> (docs/tracking.md)."""

    base_url: str = ""  # "" = no tracking link: the QR holds the ticket id as before
    hub: bool = False  # also send the pages' states to the hub, for phones on the internet


NOTIFY_GATEWAYS = ("webhook", "whatsapp", "sms")


@dataclass(frozen=True)
class NotifyConfig:
    """[notify]: opt-in messages when an applicant's turn is near (docs/configuration.md)."""

    enabled: bool = False
    gateway: str = "webhook"  # webhook | whatsapp | sms (NOTIFY_GATEWAYS)
    url: str = ""  # webhook and sms: where to POST
    token: str = ""  # never logged; read only by kiosk/notify/gateways.py gateway_token()
    token_file: Path | None = None  # where the token came from (None: the config itself)
    near: int = 3  # "N before you" once the forecast first drops to this
    timeout_s: float = 10.0
    backoff_s: float = 5.0  # first retry after this, doubling
    backoff_max_s: float = 300.0
    stale_after_s: float = 1800.0  # a message not sent by then is dropped (and counted)
    poll_s: float = 5.0  # forecasts are looked at this often (calls wake the worker at once)
    offer_seconds: float = 45.0  # the consent and keypad screens give up after this idle
    # WhatsApp Business Cloud API
    api_base: str = "https://graph.facebook.com"
    api_version: str = "v23.0"
    phone_number_id: str = ""
    # SMS gateway over HTTP
    sms_format: str = "form"  # form | json
    sms_to_field: str = "to"
    sms_text_field: str = "message"
    sms_token_field: str = ""  # "" = token as "Authorization: Bearer"
    sms_number: str = "e164"  # e164 (+62...) | 62 (62...) | 0 (08...)
    sms_extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SyncConfig:
    """The central hub (docs/sync-protocol.md); no hub_url: the kiosk works alone."""

    hub_url: str = ""
    token: str = ""
    token_file: Path | None = None  # where the token came from (None: the config itself)
    interval_s: float = 30.0
    timeout_s: float = 10.0
    batch_size: int = 500
    backoff_max_s: float = 300.0
    leases: bool = False  # capped services' numbers from the hub: one cap each for all kiosks
    lease_block: int = 10
    lease_low_water: int = 5

    @property
    def enabled(self) -> bool:
        return bool(self.hub_url)


@dataclass(frozen=True)
class WalkinConfig:
    """Anti-hoarding rules for walk-in numbers (kiosk/queue/walkin_guard.py,
    docs/configuration.md)."""

    require_nik: bool = False  # walk-in and priority numbers only after a NIK is typed
    max_per_nik: int = 1  # numbers per NIK per lane per office day
    per_minute: int = 10  # without NIK entry: walk-in numbers per rolling minute (0 = no limit)


@dataclass(frozen=True)
class DisplayConfig:
    """The lobby's GPIO "now serving" display and chime (docs/configuration.md)."""

    kind: str = "none"  # none | seven_segment | lamps
    segment_pins: tuple[int, ...] = ()  # a..g, shared by the five digits
    dp_pin: int | None = None
    digit_pins: tuple[int, ...] = ()  # digit select, left to right: lane, 3 digits, counter
    segments_active_high: bool = True  # false for common-anode modules
    digits_active_high: bool = True
    lamp_pins: dict[int, int] = field(default_factory=dict)  # counter number -> pin
    chime_pin: int | None = None
    chime_tonal: bool = False  # passive buzzer on a PWM pin: "ding-dong"


@dataclass(frozen=True)
class CallingConfig:
    mode: str
    booked_per_walkin: tuple[int, int]
    priority_every: int | None
    max_recalls: int
    no_show_return_minutes: int
    speech: bool
    speech_english: bool
    voice: str
    voice_english: str  # English calls and the English screen's prompts


@dataclass(frozen=True)
class Config:
    path: Path
    simulation: bool
    office: Office
    hours: dict[int, DayHours | None]
    holidays: frozenset[date]
    lanes: dict[str, Lane]
    printer: PrinterConfig
    gpio: GpioConfig
    database: Path
    language: str
    staff_pin_hash: str
    ticket_screen_seconds: float
    checkin: CheckinConfig
    camera: CameraConfig
    counters: tuple[CounterConfig, ...]
    calling: CallingConfig
    lan_api: LanApiConfig = LanApiConfig()
    board: BoardConfig = BoardConfig()
    tracking: TrackingConfig = TrackingConfig()
    notify: NotifyConfig = NotifyConfig()
    display: DisplayConfig = DisplayConfig()
    # Staff with their own PIN (id -> hash): actions are logged with who did them.
    staff_members: dict[str, str] = field(default_factory=dict)
    staff_idle_seconds: float = 120.0  # the staff screen closes itself after this
    screen_theme: str = "standard"  # or "high_contrast" (staff can switch it)
    spoken_prompts: bool = False  # say short prompts after a press or scan
    sync: SyncConfig = SyncConfig()
    walkin: WalkinConfig = WalkinConfig()
    survey: SurveyConfig = SurveyConfig()
    # [stages.NAME] name_id / name_en: names of the services' stages (DEFAULT_STAGE_NAMES).
    stage_names: dict[str, tuple[str, str]] = field(default_factory=dict)

    def stage_name(self, stage: str, language: str = "id") -> str:
        """A stage as people read it: "foto" -> "Foto & wawancara" / "Photo & interview"."""
        names = self.stage_names.get(stage) or DEFAULT_STAGE_NAMES.get(stage.casefold())
        if names is None:
            return stage[:1].upper() + stage[1:]
        return names[1] if language == "en" else names[0]

    @property
    def timezone(self) -> ZoneInfo:
        return self.office.timezone

    @property
    def lane_hours(self) -> dict[str, dict[int, DayHours | None]]:
        """Services whose hours differ from the office's on some weekdays."""
        return {code: lane.hours for code, lane in self.lanes.items() if lane.hours}

    def lanes_of_kind(self, kind: str) -> tuple[str, ...]:
        return tuple(code for code, lane in self.lanes.items() if lane.kind == kind)
