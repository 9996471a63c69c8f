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

from kiosk.queue.call_order import CallPolicy, check_lanes, choose_lane

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
             counters: Sequence[CounterNow], lane: str, number: int) -> Forecast | None:
    """How many are called before ``lane``/``number`` under ``policy``; None: no counter
    in ``counters`` serves ``lane`` (nobody will call it while they are all that is open).

    ``waiting`` maps lane -> waiting numbers, ascending; the ticket is added if it is
    not among them (a reprint of a called ticket). ``counters`` are the open counters
    in the order they will be free.
    """
    check_lanes(waiting)
    queues = {code: deque(numbers) for code, numbers in waiting.items() if numbers}
    own = [n for n in queues.get(lane, ()) if n < number]  # later numbers never go first
    queues[lane] = deque([*own, number])
    nonempty = set(queues)
    active = [c for c in counters if c.lanes & nonempty]
    if not any(lane in c.lanes for c in active):
        return None
    n = len(active)
    turn = [(i / n, i) for i in range(n)]  # (free at, counter): a heap, soonest first
    histories = [list(c.history) for c in active]
    calls = [0] * n
    before = dict.fromkeys(queues, 0)
    while True:  # ends: the ticket's lane is never empty and a counter serving it stays in
        free_at, i = turn[0]
        chosen = choose_lane(policy, active[i].lanes & nonempty, histories[i])
        if chosen is None:  # nothing it may call now, and nobody new arrives
            heapq.heappop(turn)
            continue
        queue = queues[chosen]
        called = queue.popleft()
        calls[i] += 1
        if chosen == lane and called == number:
            calling = (c.number for c, k in zip(active, calls, strict=True) if k)
            return Forecast(sum(before.values()), free_at,
                            tuple(sorted((k, v) for k, v in before.items() if v)),
                            tuple(sorted(calling)), active[i].number)
        if not queue:
            nonempty.discard(chosen)
        before[chosen] += 1
        histories[i].append(chosen)
        heapq.heapreplace(turn, (free_at + 1, i))
