"""How a called queue number is said aloud, in Bahasa Indonesia and English.

Pure text, no audio: the announcer hands these sentences to espeak-ng, and
keeping the wording here lets tests pin it down word for word (DOMAIN.md:
"Nomor antrian A nol dua belas, silakan ke loket tiga").

Reading rules (Indonesian):

* Numbers 0-1000 are read as words: nol, satu .. sembilan, sepuluh,
  sebelas, dua belas .. sembilan belas, dua puluh [satu], seratus [satu],
  dua ratus .. sembilan ratus sembilan puluh sembilan, seribu. "se-" replaces
  "satu" before belas/puluh/ratus/ribu only for 10, 11, 100-199 and 1000.
* A ticket label is its lane letter(s) plus digits. Each *leading* zero of
  the digits is read "nol"; the remaining digits are read as one number.
  So A012 -> "A nol dua belas", A001 -> "A nol nol satu", A010 -> "A nol
  sepuluh", A100 -> "A seratus", A000 -> "A nol nol nol". This keeps the
  spoken form as long as the printed one, which is how lobby callers read
  it and why applicants recognise their ticket.
* Digits that would make a number above 1000 are read one by one.
* Lane letters stay as capitals: espeak-ng's Indonesian voice already says
  "B" as the letter name "bé"; spelling it "be" makes it say the open "bè".

Reading rules (English): the letter, a comma, then every digit separately
("Number A, zero one two, please go to counter three"). Without the comma
espeak-ng reads a lone "A" as the article "uh". The counter is read as a
number ("counter twelve") in both languages.
"""

from __future__ import annotations

import re

ONES_ID = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
ONES_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
TEENS_EN = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
            "seventeen", "eighteen", "nineteen")
TENS_EN = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

MAX_WORDS = 1000
LANGUAGES = ("id", "en")

_LABEL = re.compile(r"([A-Z]+)(\d+)")


def _check_range(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected an int, got {n!r}")
    if not 0 <= n <= MAX_WORDS:
        raise ValueError(f"{n} is outside 0-{MAX_WORDS}")


def number_words_id(n: int) -> str:
    """0-1000 in Indonesian words, e.g. 115 -> "seratus lima belas"."""
    _check_range(n)
    if n == 0:
        return "nol"
    if n == 1000:
        return "seribu"
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [ONES_ID[hundreds], "ratus"]
    tens, ones = divmod(rest, 10)
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif tens == 1:
        words += [ONES_ID[ones], "belas"]
    else:
        if tens:
            words += [ONES_ID[tens], "puluh"]
        if ones:
            words.append(ONES_ID[ones])
    return " ".join(words)


def number_words_en(n: int) -> str:
    """0-1000 in English words, e.g. 115 -> "one hundred fifteen" (US style, no "and")."""
    _check_range(n)
    if n == 1000:
        return "one thousand"
    if n < 10:
        return ONES_EN[n]
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words += [ONES_EN[hundreds], "hundred"]
    if 10 <= rest < 20:
        words.append(TEENS_EN[rest - 10])
    else:
        tens, ones = divmod(rest, 10)
        if tens:
            words.append(TENS_EN[tens])
        if ones:
            words.append(ONES_EN[ones])
    return " ".join(words)


def number_words(n: int, language: str = "id") -> str:
    """0-1000 as words in the kiosk language ("id" or "en")."""
    if _language(language) == "en":
        return number_words_en(n)
    return number_words_id(n)


def _language(language: str) -> str:
    lang = language.split("-")[0].split("_")[0].lower()
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {LANGUAGES}")
    return lang


def split_label(label: str) -> tuple[str, str]:
    """ "A012" -> ("A", "012"); rejects anything that is not letters then digits."""
    match = _LABEL.fullmatch(label.strip().upper())
    if match is None:
        raise ValueError(f"not a queue label: {label!r} (expected e.g. 'A012')")
    return match.group(1), match.group(2)


def label_words(label: str, language: str = "id") -> str:
    """The label as spoken: "A012" -> "A nol dua belas" / "A, zero one two"."""
    letters, digits = split_label(label)
    if _language(language) == "en":
        return f"{' '.join(letters)}, " + " ".join(ONES_EN[int(d)] for d in digits)
    stripped = digits.lstrip("0")
    words = ["nol"] * (len(digits) - len(stripped))
    if stripped:
        value = int(stripped)
        if value <= MAX_WORDS:
            words.append(number_words_id(value))
        else:
            words += [ONES_ID[int(d)] for d in stripped]
    return " ".join([*letters, *words])


def call_text(label: str, counter: int, language: str = "id", stage: str | None = None) -> str:
    """The sentence spoken when a ticket is called to a counter (loket); ``stage`` is the
    name of a visit's stage, as config names it ("..., silakan ke loket lima, untuk foto
    dan wawancara")."""
    if isinstance(counter, bool) or not isinstance(counter, int) or counter < 1:
        raise ValueError(f"counter must be a positive int, got {counter!r}")
    if _language(language) == "en":
        purpose = f", for {_spoken_stage(stage, 'and')}" if stage else ""
        return (f"Number {label_words(label, 'en')}, "
                f"please go to counter {_counter_words(counter, 'en')}{purpose}")
    purpose = f", untuk {_spoken_stage(stage, 'dan')}" if stage else ""
    return (f"Nomor antrian {label_words(label, 'id')}, "
            f"silakan ke loket {_counter_words(counter, 'id')}{purpose}")


def _spoken_stage(name: str, and_word: str) -> str:
    """ "Foto & wawancara" -> "foto dan wawancara": a symbol espeak-ng would spell out."""
    return name.replace("&", and_word).lower()


def _counter_words(counter: int, language: str) -> str:
    if counter > MAX_WORDS:  # not a real lobby, but never fail a call over it
        ones = ONES_EN if language == "en" else ONES_ID
        return " ".join(ones[int(d)] for d in str(counter))
    return number_words(counter, language)
