"""The satisfaction survey index of an office across its kiosks, at the hub.

Each kiosk's ``survey_answered`` events (docs/sync-protocol.md) are read back
and computed exactly as `kiosk report` does on one kiosk (kiosk/reports/skm.py,
over kiosk/survey/index.py), so the office's figure is the same wherever it is
computed. One response per ticket: should two stations of the office ever both
send one for the same ticket (two stores), the first sent counts. A payload
that is not a response the kiosk could have written is left out and counted,
never guessed at.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from kiosk.reports.skm import skm_dict, skm_figures
from kiosk.survey.index import InvalidAnswers
from kiosk.survey.responses import Response, StoredResponse, clean_response

if TYPE_CHECKING:
    from datetime import date

    from kiosk.hub.store import HubStore


def _stored(day: str, payload: dict[str, Any]) -> StoredResponse:
    """The event's response, checked by the kiosk's own rules; InvalidAnswers if it fails."""
    answers = payload.get("answers")
    response = clean_response(Response(
        mode=payload.get("mode", ""), answers=tuple(answers) if isinstance(answers, list)
        else None, quick=payload.get("quick"), sex=payload.get("sex"),
        education=payload.get("education"), occupation=payload.get("occupation"),
        comment=payload.get("comment")))
    lane = payload.get("lane")
    if not isinstance(lane, str) or len(lane) != 1 or not lane.isalpha():
        raise InvalidAnswers("lane: not a service code")
    return StoredResponse(day, lane, response.mode, response.answers, response.quick,
                          response.sex, response.education, response.occupation,
                          response.comment)


def office_skm(store: HubStore, office: str, first: date, last: date) -> dict[str, Any]:
    """The SKM figures of ``office`` for days ``first``..``last`` (JSON-ready)."""
    if last < first:
        raise ValueError(f"the range ends ({last}) before it starts ({first})")
    responses, tickets, ignored, duplicates = [], set(), 0, 0
    for day, ticket_id, payload in store.survey_answers(office, first, last):
        try:
            response = _stored(day, json.loads(payload))
        except (InvalidAnswers, TypeError, ValueError):
            ignored += 1
            continue
        if (day, ticket_id) in tickets:
            duplicates += 1
            continue
        tickets.add((day, ticket_id))
        responses.append(response)
    services = sorted({r.lane for r in responses})
    return {"office": office, "first": first.isoformat(), "last": last.isoformat(),
            **skm_dict(skm_figures(responses, services)),
            "ignored": ignored, "duplicates": duplicates}
