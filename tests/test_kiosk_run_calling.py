"""`kiosk run` also serves the counters' LAN API and speaks calls."""

from __future__ import annotations

import dataclasses
import json
import socket
import urllib.request

from kiosk.appliance import build, start_calling
from kiosk.config import LanApiConfig


def test_kiosk_serves_counters_and_a_taken_port_is_only_a_notice(config, clock) -> None:
    calling = dataclasses.replace(config.calling, speech=False)
    cfg = dataclasses.replace(config, lan_api=LanApiConfig("127.0.0.1", 0), calling=calling)
    appliance = build(cfg, with_gpio=False, clock=clock)
    try:
        assert appliance.service.issue("A").ticket.label == "A001"
        api, notice = start_calling(cfg, appliance, clock)
        assert api is not None and notice is None
        request = urllib.request.Request(
            f"{api.url}/api/v1/counters/1/next", method="POST", data=b"{}",
            headers={"Authorization": "Bearer loket1-demo", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as reply:
            assert "A001" in json.dumps(json.load(reply))
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            busy = dataclasses.replace(cfg, lan_api=LanApiConfig("127.0.0.1",
                                                                 taken.getsockname()[1]))
            second, notice = start_calling(busy, appliance, clock)
            assert second is None and "LAN API" in notice
    finally:
        appliance.close()
