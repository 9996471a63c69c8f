"""`kiosk survey --url`: a survey station on another machine, asking the kiosk's LAN
server (``/survey/api/...``, kiosk/lan/survey_page.py) instead of opening a store.

The same two calls as ``SurveyDesk`` (``find``, ``record``) with the same answers
(``SurveyTicket``, ``SurveyRefused``, ``Recorded``), so the survey screen does
not know which it has. The kiosk checks and stores everything; this side keeps
nothing. A kiosk out of reach is ``SurveyUnavailable``: nothing was stored, the
respondent tries again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from kiosk.survey.responses import (
    Recorded,
    Response,
    SurveyRefused,
    SurveyTicket,
    SurveyUnavailable,
)

TIMEOUT_S = 5.0


class RemoteSurveyDesk:
    def __init__(self, url: str, timeout_s: float = TIMEOUT_S,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.http = httpx.Client(base_url=url.rstrip("/"), timeout=timeout_s,
                                 transport=transport)

    def _post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        try:
            answer = self.http.post(path, json=body)
            data = answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SurveyUnavailable(f"kiosk {self.http.base_url}: {exc}") from None
        if answer.status_code not in (200, 409) or not isinstance(data, dict):
            raise SurveyUnavailable(f"kiosk {self.http.base_url}: HTTP {answer.status_code}"
                                    f" {data.get('error', '') if isinstance(data, dict) else ''}")
        return answer.status_code, data

    @staticmethod
    def _refused(data: dict[str, Any]) -> SurveyRefused:
        return SurveyRefused(str(data.get("reason", "unknown_ticket")), str(data.get("label", "")))

    def find(self, typed: str) -> SurveyTicket | SurveyRefused:
        status, data = self._post("/survey/api/check", {"ticket": typed})
        if status == 409:
            return self._refused(data)
        ticket = data["ticket"]
        return SurveyTicket(ticket["id"], date.fromisoformat(ticket["office_day"]),
                            ticket["lane"], ticket["number"], ticket["label"])

    def record(self, typed: str, response: Response) -> Recorded | SurveyRefused:
        body = {"ticket": typed, "mode": response.mode,
                "answers": list(response.answers) if response.answers else None,
                "quick": response.quick, "sex": response.sex, "education": response.education,
                "occupation": response.occupation, "comment": response.comment}
        status, data = self._post("/survey/api/answers", body)
        if status == 409:
            return self._refused(data)
        found = self.find_after(data)
        return Recorded(str(data["response_id"]), found, str(data["mode"]))

    @staticmethod
    def find_after(data: dict[str, Any]) -> SurveyTicket:
        """The ticket as the thank-you needs it (its label) from the kiosk's answer."""
        label = str(data["label"])
        return SurveyTicket("", date.min, label[:1], int(label[1:] or 0), label)

    def close(self) -> None:
        self.http.close()
