"""Multi-stage visits: which stage a ticket is at, which comes next, who serves it.

A passport visit keeps one number through its stages ("berkas", the document
check, then "foto", photo, fingerprints and interview). A ticket's ``stage``
column is NULL until it is first sent on, and NULL means the first stage of
its service: issuing writes nothing extra, and services without stages (and
stores from before stages existed) behave exactly as they always did.

Pure data, so the calling service, the wait forecast and the reports agree on
one reading of the configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Set

    from kiosk.config import Config


@dataclass(frozen=True)
class StagePlan:
    """Each service's stages in visit order (``{}``: no service has stages)."""

    stages: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, config: Config) -> StagePlan:
        return cls({code: lane.stages for code, lane in config.lanes.items() if lane.stages})

    def first(self, lane: str) -> str | None:
        stages = self.stages.get(lane, ())
        return stages[0] if stages else None

    def at(self, lane: str, stage: str | None) -> str | None:
        """The stage a ticket is at: its own, or its service's first."""
        return stage if stage is not None else self.first(lane)

    def after(self, lane: str, stage: str | None) -> str | None:
        """The stage that follows (None: this is the last, or the service has none)."""
        stages = self.stages.get(lane, ())
        current = self.at(lane, stage)
        if current not in stages:
            return None
        index = stages.index(current)
        return stages[index + 1] if index + 1 < len(stages) else None

    def find(self, lane: str, name: str) -> str | None:
        """The configured stage a typed name means ("FOTO " -> "foto"), or None."""
        wanted = name.strip().casefold()
        return next((s for s in self.stages.get(lane, ()) if s.casefold() == wanted), None)

    def is_first(self, lane: str, stage: str | None) -> bool:
        return stage is None or stage == self.first(lane)

    def serves(self, counter_lanes: Set[str], counter_stages: Set[str], lane: str,
               stage: str | None) -> bool:
        """Whether a counter calls this ticket: its service, and its stage (a counter that
        lists no stages serves every stage of its services)."""
        if lane not in counter_lanes:
            return False
        current = self.at(lane, stage)
        return not counter_stages or current is None or current in counter_stages

    # -- the wait forecast's view (kiosk/queue/call_forecast.py) ---------------------
    # The forecast plays the call order over queues keyed by service code. A ticket
    # waiting for a later stage is called by other counters than a new ticket, so it
    # sits in a queue of its own, "A/foto", which follows A's call rules. A counter
    # serving every stage of A thus sees "A" and "A/foto" as two services of one
    # class taking turns, where call_next merges them by number: close enough for an
    # estimate, and only in an office whose counters do not split the stages.

    def key(self, lane: str, stage: str | None) -> str:
        """The forecast's queue of a ticket: its code at the first stage (or when its service
        has no stages here), else code/stage."""
        if lane not in self.stages or self.is_first(lane, stage):
            return lane
        return f"{lane}/{stage}"

    def keys_served(self, lanes: Set[str], stages: Set[str]) -> frozenset[str]:
        """The forecast queues a counter calls from."""
        keys = set()
        for lane in lanes:
            own = self.stages.get(lane, ())
            if not own or not stages or own[0] in stages:
                keys.add(lane)
            keys.update(f"{lane}/{s}" for s in own[1:] if not stages or s in stages)
        return frozenset(keys)

    def key_classes(self, classes: Mapping[str, str]) -> dict[str, str]:
        """``classes`` (service -> the lane whose rules it follows) for every queue key."""
        keyed = dict(classes)
        for lane, own in self.stages.items():
            keyed.update({f"{lane}/{s}": classes.get(lane, lane) for s in own[1:]})
        return keyed

