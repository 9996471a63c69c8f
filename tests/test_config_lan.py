"""[lan_api], per-counter token hashes and [board]: the LAN API's configuration."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.config import ConfigError, LanApiConfig, demo_token, load_config
from kiosk.privacy.pin import hash_pin
from kiosk.web.bearer import hash_token, new_token
from tests.conftest import ROOT, SIM_CONFIG

# Real-office configs refuse a shifted clock (make test AT=...): these run on the real
# one, and no outcome here depends on it.
pytestmark = pytest.mark.usefixtures("real_clock")

PI_CONFIG = ROOT / "config" / "example-pi.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def sim_text() -> str:
    return SIM_CONFIG.read_text(encoding="utf-8")


def without_lan_tables(text: str) -> str:
    """The simulation config with [lan_api] and [board] taken out."""
    text = re.sub(r"\[lan_api\]\nlisten = .*\n", "", text)
    return re.sub(r"\[board\]\nnotice = .*\n", "", text)


def test_simulation_config_has_demo_tokens_for_counters_1_to_3() -> None:
    cfg = load_config(SIM_CONFIG)
    assert cfg.lan_api == LanApiConfig("127.0.0.1", 8470)
    for counter in cfg.counters:
        assert counter.token_hash == hash_token(demo_token(counter.number))
    assert demo_token(3) == "loket3-demo"
    assert "KTP" in cfg.board.notice


def test_defaults_listen_on_localhost_only_and_no_notice(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, without_lan_tables(sim_text())))
    assert (cfg.lan_api.host, cfg.lan_api.port) == ("127.0.0.1", 8470)
    assert cfg.board.notice == ""


@pytest.mark.parametrize(("listen", "host", "port"), [
    ("0.0.0.0:8470", "0.0.0.0", 8470),
    ("192.168.1.20:9000", "192.168.1.20", 9000),
    ("[::1]:8470", "::1", 8470),
    ("localhost:80", "localhost", 80),
])
def test_listen_address(tmp_path: Path, listen: str, host: str, port: int) -> None:
    text = sim_text().replace('listen = "127.0.0.1:8470"', f'listen = "{listen}"')
    cfg = load_config(write(tmp_path, text))
    assert (cfg.lan_api.host, cfg.lan_api.port) == (host, port)


@pytest.mark.parametrize("listen", ["8470", "127.0.0.1", "127.0.0.1:", ":8470",
                                    "127.0.0.1:99999", "127.0.0.1:http", "127.0.0.1:0"])
def test_bad_listen_address_is_refused(tmp_path: Path, listen: str) -> None:
    text = sim_text().replace('listen = "127.0.0.1:8470"', f'listen = "{listen}"')
    with pytest.raises(ConfigError, match="lan_api.listen"):
        load_config(write(tmp_path, text))


def test_unknown_lan_api_key_is_refused(tmp_path: Path) -> None:
    text = sim_text().replace('[lan_api]\n', '[lan_api]\nport = 8470\n')
    with pytest.raises(ConfigError, match="lan_api.port"):
        load_config(write(tmp_path, text))


def test_counter_without_token_hash_has_none(tmp_path: Path) -> None:
    text = re.sub(r'token_hash = "sha256\$4b02[0-9a-f]*"\n', "", sim_text())
    cfg = load_config(write(tmp_path, text))
    assert cfg.counters[2].token_hash is None
    assert cfg.counters[0].token_hash is not None


@pytest.mark.parametrize("value", ["plain-token", "sha256$abc", "sha1$" + "a" * 40,
                                   "sha256$" + "g" * 64])
def test_token_hash_must_be_a_sha256_hash(tmp_path: Path, value: str) -> None:
    text = re.sub(r'token_hash = "sha256\$cf01[0-9a-f]*"', f'token_hash = "{value}"',
                  sim_text())
    with pytest.raises(ConfigError, match=r"counters\[0\].token_hash"):
        load_config(write(tmp_path, text))


def test_upper_case_hex_is_accepted(tmp_path: Path) -> None:
    upper = "sha256$" + hash_token("loket1-demo").removeprefix("sha256$").upper()
    text = re.sub(r'token_hash = "sha256\$cf01[0-9a-f]*"', f'token_hash = "{upper}"', sim_text())
    assert load_config(write(tmp_path, text)).counters[0].token_hash == hash_token("loket1-demo")


def test_two_counters_may_not_share_a_token(tmp_path: Path) -> None:
    text = sim_text().replace(hash_token("loket2-demo"), hash_token("loket1-demo"))
    with pytest.raises(ConfigError, match=r"counters\[1\].token_hash.*different token"):
        load_config(write(tmp_path, text))


def real_office_text() -> str:
    text = PI_CONFIG.read_text(encoding="utf-8").replace(
        'pin_hash = "scrypt$16384$8$1$REPLACE$REPLACE"', f'pin_hash = "{hash_pin("482916")}"')
    return text.replace("REPLACE-WITH-openssl-rand-hex-16-OUTPUT-0000000000", "ab" * 16)


def test_example_pi_config_listens_on_the_lan_without_tokens(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, real_office_text()))
    assert (cfg.lan_api.host, cfg.lan_api.port) == ("0.0.0.0", 8470)
    assert all(c.token_hash is None for c in cfg.counters)  # until the office makes its own
    assert cfg.board.notice


def test_real_office_may_not_use_a_demo_token(tmp_path: Path) -> None:
    demo = hash_token(demo_token(1))
    text = real_office_text().replace('# token_hash = "sha256$..."', f'token_hash = "{demo}"')
    with pytest.raises(ConfigError, match=r"counters\[0\].token_hash.*loket1-demo"):
        load_config(write(tmp_path, text))
    own = hash_token(new_token())
    text = real_office_text().replace('# token_hash = "sha256$..."', f'token_hash = "{own}"')
    assert load_config(write(tmp_path, text)).counters[0].token_hash == own


def test_new_tokens_are_random_and_long() -> None:
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50 and all(len(t) >= 32 for t in tokens)


def test_board_notice_whitespace_is_folded(tmp_path: Path) -> None:
    text = without_lan_tables(sim_text()) + '\n[board]\nnotice = """Baris satu\n  baris dua"""\n'
    assert load_config(write(tmp_path, text)).board.notice == "Baris satu baris dua"


def test_board_notice_must_be_text(tmp_path: Path) -> None:
    text = without_lan_tables(sim_text()) + "\n[board]\nnotice = 3\n"
    with pytest.raises(ConfigError, match="board.notice"):
        load_config(write(tmp_path, text))
