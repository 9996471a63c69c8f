"""Which events the report reads, and the order it lists check-in outcomes, refused
presses and NIK problems in: the vocabulary the figures and the forms share.
"""

from __future__ import annotations

from kiosk.checkin.service import REASONS
from kiosk.privacy.nik import REASONS as NIK_REASONS

# Check-in outcomes in the order the report lists them. Malformed scans are
# not recorded (a camera may re-read a stray QR all day: kiosk/checkin/service.py).
_USUAL = ("valid", "wrong_day", "too_late", "too_early", "already_checked_in", "cancelled",
          "unknown_code", "bad_signature", "unknown_key", "wrong_office", "closed", "cap")
CHECKIN_OUTCOMES = _USUAL + tuple(r for r in REASONS if r not in _USUAL and r != "malformed")
# Refused walk-in/priority presses, by reason, in the order the report lists them.
REFUSAL_EVENTS = {"paper_out": "refused_paper_out", "nik_limit": "refused_nik_limit",
                  "walkin_burst": "walkin_burst", "paused": "refused_paused",
                  "closed": "refused_closed",
                  "not_served_today": "refused_not_served_today",
                  "no_numbers": "refused_no_numbers"}
REFUSALS = ("cap", *REFUSAL_EVENTS)
# Only offices whose kiosks lease numbers from a hub, or whose [hours] leave a lane out
# on some day, can have these: no row of zeros for the others.
ONLY_WHEN_SEEN = ("not_served_today", "no_numbers")
# Refusals kiosk/queue/issuing.py and kiosk/queue/walkin_guard.py return without recording an event:
# the report cannot count them (docs/report.md). Not "nik_invalid": the keypad refuses a
# NIK that cannot be one before it reaches the service, and counts it (NIK_MISTAKE).
NOT_RECORDED = ("clock", "nik_required", "priority_reason", "priority_not_lansia")
# A NIK the keypad refused (kiosk/queue/issuing.py record_nik_mistake): lane and problem only.
NIK_MISTAKE = "nik_entry_mistake"
NIK_PROBLEMS = (*NIK_REASONS, "other")  # the order the report lists them
# "pin_lockout": too many wrong staff PINs locked the prompt (kiosk/staff/pin_memory.py).
STAFF_EVENTS = ("issuing_paused", "issuing_resumed", "cap_changed", "staff_action",
                "clock_confirmed", "pin_lockout")
# With hub leases: a ticket printed from a number staff released at the hub before the
# ticket reached it (kiosk/sync/worker.py): the same number may be on two tickets.
LEASE_CONFLICT = "lease_conflict"
# Every event kind the report reads (kiosk/reports/rows.py): one scan, filtered to these.
# A multi-stage visit sent on to another stage (kiosk/queue/calling.py).
STAGE_SENT = "sent"
# A ticket's tracking page opened for the first time (kiosk/lan/tracking.py), once a ticket.
TRACKING_OPENED = "tracking_opened"
EVENT_KINDS = ("refused_cap", "checkin_refused", "booking_checked_in", "priority_reason",
               *REFUSAL_EVENTS.values(), *STAFF_EVENTS, LEASE_CONFLICT, NIK_MISTAKE,
               STAGE_SENT, TRACKING_OPENED)
