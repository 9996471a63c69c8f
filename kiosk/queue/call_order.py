"""Which ticket a counter calls next: the one place that owns the call order.

Pure functions over plain data, so the fairness rules can be property-tested
without a database. Within a lane the order is always first come, first
served (lowest number first); the policy only decides *which lane* is next.

The ratios are kept per counter: ``recent_calls`` is the list of lanes *this
counter* called today (the service passes exactly that). That keeps each
counter's rhythm predictable for its staff ("two online, then one walk-in"),
and it keeps the no-starvation bound true when counters serve different lanes:
with one office-wide history a B-only counter would lengthen the "others" run
of a mixed counter and push it into calling P after P while A waits.

Starvation bound (see :func:`starvation_bound`), per counter: while lane L has
someone waiting, a counter that serves L makes at most ``bound(L)`` calls in a
row to other lanes (in "priority_first", calls to P are not counted for B and
A: P always goes first by design). With ``b, a = booked_per_walkin`` and
``k = priority_every``:

=================  ===========  ================  ================
mode               P            B                 A
=================  ===========  ================  ================
priority_first     0            a (non-P calls)   b (non-P calls)
ratio              k            a + 1 + a // k    b + 1 + b // k
strict             0            none              none
=================  ===========  ================  ================

Why: a counter picks A over B only while its trailing run of A calls is
shorter than ``a`` (P calls are left out of that run), so it can call A at most
``a`` times in a row while B waits; in "ratio" it picks P only after ``k``
non-P calls since its last P, so at most ``1 + a // k`` P calls fit among
those ``a``. Hence the person at the head of lane L is called after at most
``bound(L)`` other calls at any one counter serving L, and after at most
``bound(L)`` times the number of such counters office-wide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence, Set

PRIORITY, BOOKED, WALKIN = "P", "B", "A"
LANES = (PRIORITY, BOOKED, WALKIN)  # also the fixed order of "strict" mode
MODES = ("priority_first", "strict", "ratio")

Mode = Literal["priority_first", "strict", "ratio"]


@dataclass(frozen=True)
class CallPolicy:
    """How counters choose between lanes.

    ``booked_per_walkin=(2, 1)`` calls two booked check-ins (B), then one
    walk-in (A). ``priority_every=2`` (only in "ratio" mode) calls one priority
    ticket after every two others.
    """

    mode: Mode = "priority_first"
    booked_per_walkin: tuple[int, int] = (1, 1)
    priority_every: int | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"call mode must be one of {MODES}, got {self.mode!r}")
        ratio = self.booked_per_walkin
        if len(ratio) != 2 or any(not isinstance(n, int) or n < 1 for n in ratio):
            raise ValueError(f"booked_per_walkin must be two whole numbers >= 1, got {ratio!r}")
        if self.mode == "ratio":
            if not isinstance(self.priority_every, int) or self.priority_every < 1:
                raise ValueError("'ratio' mode needs priority_every >= 1 (1 P per N others)")
        elif self.priority_every is not None:
            raise ValueError("priority_every is only used in 'ratio' mode")


def starvation_bound(policy: CallPolicy, lane: str) -> int | None:
    """Most calls in a row one counter serving ``lane`` makes elsewhere while it waits.

    None means no bound ("strict" mode: lower lanes wait while higher ones have
    anyone). In "priority_first" the B and A bounds count only non-P calls.
    """
    if lane not in LANES:
        raise ValueError(f"unknown lane {lane!r}")
    if lane == PRIORITY and policy.mode != "ratio":
        return 0
    if policy.mode == "strict":
        return None
    b, a = policy.booked_per_walkin
    other_run = a if lane == BOOKED else b  # calls the other of B/A may get in a row
    if policy.mode == "priority_first":
        return other_run
    k = policy.priority_every
    assert k is not None
    if lane == PRIORITY:
        return k
    return other_run + 1 + other_run // k


def _trailing_run(history: Sequence[str], lanes: Set[str]) -> tuple[str | None, int]:
    """The last lane among ``lanes`` in ``history`` and how many times in a row it came."""
    last: str | None = None
    run = 0
    for lane in reversed(history):
        if lane not in lanes:
            continue
        if last is None:
            last = lane
        elif lane != last:
            break
        run += 1
    return last, run


def _booked_or_walkin(policy: CallPolicy, history: Sequence[str], b_ok: bool, a_ok: bool
                      ) -> str | None:
    """B against A by ratio: keep calling the lane of the current run until its share is used."""
    if not (b_ok and a_ok):
        return BOOKED if b_ok else WALKIN if a_ok else None
    b, a = policy.booked_per_walkin
    last, run = _trailing_run(history, {BOOKED, WALKIN})
    if last == WALKIN:
        return WALKIN if run < a else BOOKED
    if last == BOOKED:
        return BOOKED if run < b else WALKIN
    return BOOKED  # first call of the day: booked applicants hold a time slot


def _others_since_priority(history: Sequence[str], k: int) -> int:
    """Non-P calls since the last P call; ``k`` (P is due) if this counter called no P yet."""
    for count, lane in enumerate(reversed(history)):
        if lane == PRIORITY:
            return count
    return max(len(history), k)


def choose_lane(policy: CallPolicy, ready: Set[str], recent_calls: Sequence[str]) -> str | None:
    """The lane a counter calls from, given the lanes it serves that have someone waiting.

    The policy's whole choice: within the lane the lowest number goes first. The
    wait forecast (kiosk/queue/call_forecast.py) simulates calls with this same
    function, so a forecast can never follow other rules than the real calls.
    """
    if not ready:
        return None
    if policy.mode == "strict":
        return next(lane for lane in LANES if lane in ready)
    other = _booked_or_walkin(policy, recent_calls, BOOKED in ready, WALKIN in ready)
    if PRIORITY not in ready:
        return other
    if other is None or policy.mode == "priority_first":
        return PRIORITY
    k = policy.priority_every
    assert k is not None
    return PRIORITY if _others_since_priority(recent_calls, k) >= k else other


def check_lanes(waiting: Mapping[str, Sequence[int]],
                classes: Mapping[str, str] | None = None) -> None:
    """Refuse waiting tickets in lanes the call order does not know (nor their class)."""
    classes = classes or {}
    unknown = {lane for lane, numbers in waiting.items()
               if numbers and classes.get(lane, lane) not in LANES}
    if unknown:
        raise ValueError(f"unknown lanes {sorted(unknown)}: expected {LANES} or a class for each")


def service_classes(classes: Mapping[str, str] | None) -> Mapping[str, str] | None:
    """``classes`` when some service follows another lane's rules; None when each code is
    its own lane (the default A/P/B), so the hot paths can skip the mapping."""
    if not classes or all(code == lane for code, lane in classes.items()):
        return None
    return classes


def pick_member(ready: Set[str], lane: str, last_called: Mapping[str, int],
                classes: Mapping[str, str]) -> str:
    """Among the ready services of ``lane``'s class, the one this counter called least
    recently (``last_called``: service -> position in its calls of the day)."""
    members = [code for code in ready if classes.get(code, code) == lane]
    return min(members, key=lambda code: (last_called.get(code, -1), code))


def choose_next(policy: CallPolicy, waiting: Mapping[str, Sequence[int]],
                recent_calls: Sequence[str], counter_lanes: Set[str],
                classes: Mapping[str, str] | None = None) -> tuple[str, int] | None:
    """The (lane, number) this counter should call, or None if nobody it serves waits.

    ``waiting`` maps lane -> waiting numbers in ascending order; ``recent_calls``
    is the lanes this counter called today, newest last (recalls excluded).
    ``classes`` maps a service code to the lane whose rules it follows (a service
    catalog's walk-in kinds to A, priority kinds to P, booked kinds to B): the policy
    picks the class, and among the class's services this counter serves it calls the
    one it called least recently (round robin), lowest number first within it.
    """
    check_lanes(waiting, classes)
    ready = {lane for lane, numbers in waiting.items() if numbers and lane in counter_lanes}
    mapping = service_classes(classes)
    if mapping is None:
        lane = choose_lane(policy, ready, recent_calls)
    else:
        history = [mapping.get(code, code) for code in recent_calls]
        lane = choose_lane(policy, {mapping.get(code, code) for code in ready}, history)
        if lane is not None:
            last_called = {code: i for i, code in enumerate(recent_calls)}
            lane = pick_member(ready, lane, last_called, mapping)
    return None if lane is None else (lane, min(waiting[lane]))
