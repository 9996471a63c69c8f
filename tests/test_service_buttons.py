"""Physical buttons for more services (issue 13): ``[gpio] service_buttons`` wires one
gpiozero Button per other walk-in/priority service, pressed like the walk-in button."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config
from screens.ticket import TicketScreen
from tests.conftest import settle, until
from tests.test_home_chooser import EXAMPLE, multiservice, wednesday


def test_the_example_maps_c_d_and_e(tmp_path: Path) -> None:
    assert multiservice(tmp_path).gpio.service_buttons == {"C": 5, "D": 6, "E": 13}


@pytest.mark.parametrize(("mapping", "problem"), [
    ("{ B = 5 }", "gpio.service_buttons.B"),  # booked: numbers come at check-in
    ("{ A = 5 }", "gpio.service_buttons.A"),  # A has walkin_button
    ("{ X = 5 }", "gpio.service_buttons.X"),  # no such service
    ("{ C = 99 }", "gpio.service_buttons.C"),
    ("{ C = 17 }", "gpio.service_buttons.C"),  # already the walk-in button
])
def test_a_bad_mapping_is_refused(tmp_path: Path, mapping: str, problem: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "service_buttons = { C = 5, D = 6, E = 13 }", f"service_buttons = {mapping}")
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=problem.replace(".", r"\.")):
        load_config(path)


async def test_the_c_button_issues_c001(tmp_path: Path, make_app) -> None:
    app, appliance = make_app(multiservice(tmp_path), wednesday())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        appliance.simulation.press("C")  # the mock pin goes low and high: gpiozero's path
        await settle(pilot, 0.3)
        assert await until(pilot, lambda: isinstance(app.screen, TicketScreen))
        assert app.screen.issued.ticket.label == "C001"
