"""Keys n and r in a simulation: press counter 1's mock "next"/"recall" button and say
in words why a press did nothing (nobody waiting, nobody called yet, too soon)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.texts import t

if TYPE_CHECKING:
    from kiosk.config import Config
    from kiosk.ports import Simulation

_SAID = {"nobody_waiting": "staff.nobody_waiting", "no_current": "call.refused.no_current",
         "ignored": "sim.counter.ignored", "no_button": "sim.counter.no_button"}


def press_counter(simulation: Simulation, counter: int, action: str) -> str | None:
    """Press (on the calling thread: it writes to the store); why it did nothing, or None."""
    if not simulation.press_counter(counter, action):
        return "no_button"
    return simulation.counter_outcome(counter, action)


def feedback(config: Config, counter: int, action: str, why: str, language: str) -> str:
    name = next((c.name for c in config.counters if c.number == counter), f"Loket {counter}")
    return t(_SAID.get(why, "sim.counter.failed"), language, counter=name, action=action)
