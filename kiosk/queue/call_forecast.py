"""Who is called before a ticket: the configured call order played forward over today's queues.

"People before you" used to count only the same lane, so a walk-in ticket
could read "nobody before you" while priority and online applicants, whom the
policy calls first, filled the lobby (issue 13). The forecast instead plays
the real choice forward: each open counter, in the order it will be free,
asks :func:`kiosk.queue.call_order.choose_lane` (the very function behind
``call_next``) which lane it calls, takes that lane's lowest number, and so
on until the new ticket comes up. Nobody new arrives in the simulation.

Counters are assumed to work at one pace, each busy with its current
applicant and free in turn: the counter that called longest ago first, then
the others, evenly spaced (``i / n`` of a service apart). So with every
counter serving every lane the wait is ``before / n`` services, the old
"people ahead / open counters"; when counters serve different lanes, or run
out of applicants they may call, the spacing shows it.

Pure and bounded: each step calls one ticket or drops a counter with nobody to
call, so it ends after at most (waiting tickets + counters) steps. The lanes
are whatever codes the waiting queues and counters carry; the policy owns
which codes it knows.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.queue.call_order import (
    CallPolicy,
    check_lanes,
    choose_lane,
    pick_member,
    service_classes,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


@dataclass(frozen=True)
class CounterNow:
    """An open counter as the forecast sees it."""

    number: int
    lanes: frozenset[str]
    history: tuple[str, ...] = ()  # lanes it called today, oldest first (recalls excluded)


@dataclass(frozen=True)
class Forecast:
    before: int  # applicants called before the ticket, all lanes and counters
    turns: float  # the wait in services at one counter (x minutes per person = minutes)
    by_lane: tuple[tuple[str, int], ...]  # (lane, how many of ``before``), sorted by lane
    counters: tuple[int, ...]  # counters that call until the ticket: whose pace applies
    counter: int  # the counter that calls the ticket


def forecast(policy: CallPolicy, waiting: Mapping[str, Sequence[int]],
             counters: Sequence[CounterNow], lane: str, number: int,
             classes: Mapping[str, str] | None = None) -> Forecast | None:
    """How many are called before ``lane``/``number`` under ``policy``; None: no counter
    in ``counters`` serves ``lane`` (nobody will call it while they are all that is open).

    ``waiting`` maps lane -> waiting numbers, ascending; the ticket is added if it is
    not among them (a reprint of a called ticket). ``counters`` are the open counters
    in the order they will be free.
    """
    simulation = Simulation.start(policy, waiting, counters, lane, number, classes)
    return None if simulation is None else simulation.run_to(number)


class Simulation:
    """The call order played forward for one lane's tickets, resumable.

    After :meth:`run_to` has called a ticket the state is kept, so the lane's next
    ticket (a burst of walk-ins at dawn) continues from there instead of playing
    the whole queue again: numbers after the last ticket never went first, so the
    calls before it are the same with or without them (:meth:`extend`).
    """

    def __init__(self, policy: CallPolicy, queues: dict[str, deque[int]],
                 active: Sequence[CounterNow], lane: str,
                 classes: Mapping[str, str] | None = None) -> None:
        self.policy, self.queues, self.active, self.lane = policy, queues, active, lane
        # Services that follow another lane's rules (call_order.choose_next): the class
        # history drives the policy, each counter's last call per service the turns.
        self.classes = service_classes(classes)
        cls = self.classes or {}
        self.class_histories = [[cls.get(code, code) for code in c.history] for c in active]
        self.last_called = [{code: i for i, code in enumerate(c.history)} for c in active]
        n = len(active)
        self.turn = [(i / n, i) for i in range(n)]  # (free at, counter): a heap, soonest first
        self.histories = [list(c.history) for c in active]
        self.calls = [0] * n
        self.before = dict.fromkeys(queues, 0)
        self.nonempty = {code for code, queue in queues.items() if queue}
        self.last: int | None = None  # the lane's number called last by run_to

    @classmethod
    def start(cls, policy: CallPolicy, waiting: Mapping[str, Sequence[int]],
              counters: Sequence[CounterNow], lane: str, number: int,
              classes: Mapping[str, str] | None = None) -> Simulation | None:
        """Ready to run to ``lane``/``number`` (see :func:`forecast`); None: nobody calls it."""
        check_lanes(waiting, classes)
        queues = {code: deque(numbers) for code, numbers in waiting.items() if numbers}
        own = [n for n in queues.get(lane, ()) if n < number]  # later numbers never go first
        queues[lane] = deque([*own, number])
        active = [c for c in counters if c.lanes & queues.keys()]
        if not any(lane in c.lanes for c in active):
            return None
        return cls(policy, queues, active, lane, classes)

    def extend(self, numbers: Sequence[int]) -> None:
        """Later tickets of the lane, ascending, all after the one called last."""
        assert self.last is not None and all(n > self.last for n in numbers)
        self.queues[self.lane].extend(numbers)
        if numbers:
            self.nonempty.add(self.lane)

    def _choose(self, i: int, ready: set[str]) -> str | None:
        """call_order.choose_next's choice for counter ``i`` (its lane, not its number)."""
        if self.classes is None:
            return choose_lane(self.policy, ready, self.histories[i])
        lane = choose_lane(self.policy, {self.classes.get(code, code) for code in ready},
                           self.class_histories[i])
        return None if lane is None else pick_member(ready, lane, self.last_called[i],
                                                     self.classes)

    def run_to(self, number: int) -> Forecast:
        """Play calls until the lane's ``number`` is called; it must be in the lane's queue."""
        lane, queues, nonempty, before = self.lane, self.queues, self.nonempty, self.before
        turn, active, histories, calls = self.turn, self.active, self.histories, self.calls
        while True:  # ends: the ticket's lane is never empty and a counter serving it stays in
            free_at, i = turn[0]
            chosen = self._choose(i, active[i].lanes & nonempty)
            if chosen is None:  # nothing it may call now, and nobody new arrives
                heapq.heappop(turn)
                continue
            queue = queues[chosen]
            called = queue.popleft()
            calls[i] += 1
            found = chosen == lane and called == number
            if found:
                calling = (c.number for c, k in zip(active, calls, strict=True) if k)
                result = Forecast(sum(before.values()), free_at,
                                  tuple(sorted((k, v) for k, v in before.items() if v)),
                                  tuple(sorted(calling)), active[i].number)
            if not queue:
                nonempty.discard(chosen)
            before[chosen] = before.get(chosen, 0) + 1
            histories[i].append(chosen)
            if self.classes is not None:
                self.class_histories[i].append(self.classes.get(chosen, chosen))
                self.last_called[i][chosen] = len(histories[i]) - 1
            heapq.heapreplace(turn, (free_at + 1, i))
            if found:
                self.last = number
                return result
