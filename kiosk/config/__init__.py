"""The kiosk's TOML configuration: what it holds (model.py), how each section is
checked (parse_office.py, parse_devices.py, parse_access.py, parse_services.py, with every problem
reported at once by reader.py) and how the file is loaded (load.py)."""

from kiosk.config.load import DEFAULT_CONFIG, config_path, load_config
from kiosk.config.model import (
    CODE_PATTERN,
    DISPLAY_KINDS,
    LANE_CODES,
    LANGUAGES,
    OFFICE_TIMEZONES,
    PIN_FACTORIES,
    PRINTER_BACKENDS,
    SCREEN_THEMES,
    SERVICE_CODE,
    SERVICE_KINDS,
    WEEKDAYS,
    BoardConfig,
    CallingConfig,
    CameraConfig,
    CheckinConfig,
    Config,
    CounterConfig,
    DayHours,
    DisplayConfig,
    GpioConfig,
    LanApiConfig,
    Lane,
    Office,
    PrinterConfig,
    Service,
    SurveyConfig,
    SyncConfig,
    WalkinConfig,
)
from kiosk.config.parse_access import demo_token, parse_listen
from kiosk.config.parse_devices import gpio_pins_in_use
from kiosk.config.reader import ConfigError

__all__ = [
    "CODE_PATTERN", "DEFAULT_CONFIG", "DISPLAY_KINDS", "LANE_CODES", "LANGUAGES",
    "OFFICE_TIMEZONES", "PIN_FACTORIES", "PRINTER_BACKENDS", "SCREEN_THEMES", "SERVICE_CODE",
    "SERVICE_KINDS", "WEEKDAYS",
    "BoardConfig", "CallingConfig", "CameraConfig", "CheckinConfig", "Config", "ConfigError",
    "CounterConfig", "DayHours", "DisplayConfig", "GpioConfig", "LanApiConfig", "Lane", "Office",
    "PrinterConfig", "Service", "SurveyConfig", "SyncConfig", "WalkinConfig", "config_path",
    "demo_token", "gpio_pins_in_use", "load_config", "parse_listen",
]
