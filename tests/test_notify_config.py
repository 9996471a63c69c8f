"""[notify] in the config file (issue 15): off by default; when on, the chosen gateway's
address, token and fields are checked at start-up, every problem named by its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config
from tests.conftest import SIM_CONFIG


def with_notify(tmp_path: Path, section: str, salt: str | None = None) -> Path:
    text = SIM_CONFIG.read_text(encoding="utf-8").replace(
        'database = "../var/kiosk.db"', f'database = "{tmp_path / "kiosk.db"}"')
    if salt is not None:
        text = text.replace('nik_salt = "84bd82cfdd485cd08ff4dbe29f96c54b"',
                            f'nik_salt = "{salt}"')
    path = tmp_path / "kiosk.toml"
    path.write_text(text + "\n[notify]\n" + section, encoding="utf-8")
    return path


def test_off_unless_enabled(tmp_path: Path) -> None:
    assert load_config(SIM_CONFIG).notify.enabled is False
    config = load_config(with_notify(tmp_path, 'gateway = "sms"\n'))
    assert config.notify.enabled is False and config.notify.near == 3


def test_each_gateway_with_its_settings(tmp_path: Path) -> None:
    whatsapp = load_config(with_notify(tmp_path, 'enabled = true\ngateway = "whatsapp"\n'
                                       'phone_number_id = "106540352242922"\n'
                                       'token = "EAAG-token"\nnear = 5\n')).notify
    assert (whatsapp.gateway, whatsapp.api_version, whatsapp.near) == ("whatsapp", "v23.0", 5)
    sms = load_config(with_notify(tmp_path, 'enabled = true\ngateway = "sms"\n'
                                  'url = "https://sms.example.id/api/sendsms"\n'
                                  'sms_to_field = "nohp"\nsms_text_field = "pesan"\n'
                                  'sms_number = "0"\nsms_extra = { userkey = "kup01" }\n')
                      ).notify
    assert (sms.sms_to_field, sms.sms_number, sms.sms_extra) == ("nohp", "0", {"userkey": "kup01"})


@pytest.mark.parametrize(("section", "problem"), [
    ('enabled = true\ngateway = "whatsapp"\nphone_number_id = "1065"\n',
     "key 'notify.token': expected the WhatsApp Business access token"),
    ('enabled = true\ngateway = "whatsapp"\ntoken = "x"\n',
     "key 'notify.phone_number_id': expected the WhatsApp Business phone number id"),
    ('enabled = true\ngateway = "webhook"\n', "key 'notify.url': expected the webhook gateway"),
    ('enabled = true\ngateway = "sms"\nurl = "sms.example.id"\n', "key 'notify.url'"),
    ('enabled = true\ngateway = "telegram"\n', "key 'notify.gateway': expected one of webhook"),
    ('enabled = true\nurl = "https://x.id/h"\nnear = 99\n', "key 'notify.near'"),
    ('enabled = true\nurl = "https://x.id/h"\nsms_to_field = "to field"\n',
     "key 'notify.sms_to_field'"),
    ('enabled = true\nurl = "https://x.id/h"\nretries = 3\n', "key 'notify.retries'"),
])
def test_problems_are_named_by_key(tmp_path: Path, section: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(with_notify(tmp_path, section))
    assert any(problem in line for line in caught.value.problems), caught.value.problems


def test_numbers_cannot_be_sealed_without_the_office_salt(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(with_notify(tmp_path, 'enabled = true\nurl = "https://x.id/h"\n', salt=""))
    assert any("notify.enabled" in line and "nik_salt" in line
               for line in caught.value.problems), caught.value.problems
