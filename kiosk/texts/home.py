"""The home screen's lane states and the "lane not served" sentences (merged into
``kiosk.texts.TEXTS``), Indonesian first."""

from __future__ import annotations

HOME_TEXTS: dict[str, tuple[str, str]] = {
    # kiosk/queue/lane_rules.py: a lane the day's [hours] entry leaves out, from the schedule.
    "lane_rule.day_one": ("Hari {day} hanya untuk {served}", "On {day}s only {served} is served"),
    "lane_rule.day_many": ("Hari {day} hanya untuk {served}",
                           "On {day}s only {served} are served"),
    "lane_rule.and": ("dan", "and"),
    "lane_rule.next": ("{lane} dilayani lagi: {when}", "{lane} is served again from {when}"),
    "lane_rule.unknown": ("Jadwal {lane} berikutnya belum ditetapkan. Hubungi petugas.",
                          "The next {lane} opening is not scheduled yet. Please ask staff."),
    "prompt.refused.not_served_today": ("Maaf, layanan ini tidak dibuka hari ini. "
                                       "Silakan baca layar.",
                                       "Sorry, this service is not offered today. "
                                       "Please read the screen."),
    "report.refusal.not_served_today": ("Layanan tidak dibuka hari itu (layanan lain buka)",
                                       "Lane not served that day (other lanes open)"),
    # screens/home.py: why a lane gives no number now, before anyone presses.
    "home.lane.quota": ("{lane}: kuota hari ini sudah habis ({cap} nomor)",
                        "{lane}: today's quota is used up ({cap} numbers)"),
    "home.lane.paused": ("{lane}: pengambilan nomor dihentikan sementara",
                         "{lane}: numbers are paused for a moment"),
    "home.lane.paper_out": ("{lane}: kertas tiket habis, nomor belum dapat diberikan",
                            "{lane}: ticket paper is out, no numbers for now"),
    "home.paper_out": ("Kertas tiket habis. Petugas sedang diberi tahu; mohon tunggu sebentar.",
                       "The ticket paper has run out. Staff are being told; please wait a "
                       "moment."),
}
