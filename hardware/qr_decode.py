"""Booking QR codes from camera frames: one small interface, three decoder libraries.

The check-in logic only ever sees ``str`` payloads; which library found them
is a hardware choice made here. zxing-cpp is the default (see
``bench/qr_decode.py`` for the measured speed and robustness), pyzbar is the
fallback that needs Debian's libzbar0, and OpenCV's QRCodeDetector is kept
only as a benchmark reference.

Every code the library reads is passed on, as the text the library itself
makes of it: this module decides nothing about what a payload may contain
(booking codes are ASCII, but checking them is the check-in rules' job, in
``kiosk/checkin/service.py`` and ``kiosk/checkin/booking_qr.py``, which turn anything else
into an "unknown booking" message for the applicant).

- zxing-cpp: every QR symbology it reads (``BarcodeFormat.QRCode``: Model 1,
  Model 2, Micro QR and rMQR) and its ``Barcode.text`` in ``TextMode.Plain``:
  the bytes transcoded by the symbol's ECI, or else by the library's charset
  guess (UTF-8, Shift-JIS, ISO-8859-1, ...), so Shift-JIS and ECI-marked
  codes come out as the text they hold, and binary content as its Latin-1
  reading, never as an error.
- zbar and OpenCV hand over bytes they have already transcoded to UTF-8
  themselves, from their own charset guess (zbar even reads a short valid
  UTF-8 payload such as "日" as Shift-JIS, "譌･"; OpenCV reads non-UTF-8 bytes
  as Latin-1). We decode that UTF-8 with ``errors="replace"`` as a guard only.
  zbar reads QR Model 2 only; OpenCV reads one code per frame.

Empty payloads and duplicates within one frame are dropped: there is nothing
to check in.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Protocol

import numpy as np

log = logging.getLogger(__name__)

DECODER_NAMES = ("zxing", "zbar", "opencv")


class QrDecoder(Protocol):
    """Grayscale uint8 frame (H x W) in, decoded QR payloads out (empty list = none)."""

    name: str

    def decode(self, gray: np.ndarray) -> list[str]: ...


def payload_text(data: bytes) -> str:
    """zbar's or OpenCV's UTF-8 output as text that can never raise (see the module docstring)."""
    return data.decode("utf-8", errors="replace")


def _unique_texts(texts_found: Iterable[str]) -> list[str]:
    """Non-empty, first occurrence only, in the order the library found them."""
    texts: list[str] = []
    for text in texts_found:
        if text and text not in texts:
            texts.append(text)
    return texts


def _as_gray(gray: np.ndarray) -> np.ndarray:
    """Validate the frame once here, because the C libraries misread or crash on anything else."""
    if gray.ndim != 2 or gray.dtype != np.uint8:
        raise ValueError(f"expected a 2-D uint8 grayscale frame, got {gray.dtype} {gray.shape}")
    return np.ascontiguousarray(gray)


class ZxingDecoder:
    """zxing-cpp, restricted to the QR family (the default decoder).

    Restricting ``formats`` keeps the linear-barcode readers from running on
    every frame of an idle lobby; within the QR family nothing is left out
    (reading Model 1, Micro QR and rMQR too costs no measurable time, and the
    generated lobby frames in the tests give no false reads with them).
    ``try_rotate`` only adds 90/270 degree passes for linear codes; the QR
    detector finds a symbol at any angle without it, so it is off by default.
    ``try_downscale`` also searches shrunken copies of the frame, which rescues
    codes that are blurred or very large in a 720p frame. ``try_invert`` reads
    light-on-dark ("dark mode") codes, at the cost of a second pass over frames
    where nothing was found.
    """

    name = "zxing"

    def __init__(
        self,
        *,
        try_rotate: bool = False,
        try_downscale: bool = True,
        try_invert: bool = True,
    ) -> None:
        import zxingcpp

        self._zxing = zxingcpp
        # zxing-cpp 3.x: QRCode = Model 1 + Model 2 + Micro QR + rMQR.
        self._formats = zxingcpp.BarcodeFormat.QRCode
        self._options: dict[str, Any] = {
            "try_rotate": try_rotate,
            "try_downscale": try_downscale,
            "try_invert": try_invert,
            # The bytes transcoded by ECI or charset guess; the default (HRI) would
            # rewrite binary content ("<NUL>") and GS1 data ("(01)...") for display.
            "text_mode": zxingcpp.TextMode.Plain,
        }

    def decode(self, gray: np.ndarray) -> list[str]:
        barcodes = self._zxing.read_barcodes(_as_gray(gray), formats=self._formats, **self._options)
        return _unique_texts(b.text for b in barcodes if b.valid)


ZBAR_MISSING = (
    "pyzbar could not load the zbar shared library ({error}); install Debian's libzbar0 "
    "(`sudo apt install libzbar0`, `make setup` does it) or use the zxing decoder"
)


class ZbarDecoder:
    """pyzbar over the system libzbar0, QR codes only.

    pyzbar loads libzbar when it is imported, so the import happens here rather
    than at module level: a kiosk configured for zxing must not fail to start
    because libzbar0 is missing.
    """

    name = "zbar"

    def __init__(self) -> None:
        try:
            from pyzbar import pyzbar
        except (ImportError, OSError) as exc:
            raise RuntimeError(ZBAR_MISSING.format(error=exc)) from exc
        self._pyzbar = pyzbar
        self._symbols = [pyzbar.ZBarSymbol.QRCODE]

    def decode(self, gray: np.ndarray) -> list[str]:
        decoded = self._pyzbar.decode(_as_gray(gray), symbols=self._symbols)
        return _unique_texts(payload_text(d.data) for d in decoded)


class OpenCvDecoder:
    """OpenCV's QRCodeDetector: the benchmark reference, not meant for the kiosk.

    It reads one code per frame. ``cv2.error`` from inside its decoder (seen on
    some noisy frames) counts as "no code", like the other libraries' misses.
    """

    name = "opencv"

    def __init__(self) -> None:
        import cv2

        self._cv2 = cv2
        self._detector = cv2.QRCodeDetector()

    def decode(self, gray: np.ndarray) -> list[str]:
        try:
            data, _points, _straight = self._detector.detectAndDecodeBytes(_as_gray(gray))
        except self._cv2.error as exc:
            log.debug("QRCodeDetector failed on a frame: %s", exc)
            return []
        return _unique_texts([payload_text(bytes(data))]) if data else []


def make_decoder(name: str) -> QrDecoder:
    """The decoder a config names: "zxing" (default), "zbar" or "opencv"."""
    if name == "zxing":
        return ZxingDecoder()
    if name == "zbar":
        return ZbarDecoder()
    if name == "opencv":
        return OpenCvDecoder()
    raise ValueError(f"unknown QR decoder {name!r}; expected one of {DECODER_NAMES}")
