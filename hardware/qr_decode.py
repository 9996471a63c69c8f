"""Booking QR codes from camera frames: one small interface, three decoder libraries.

The check-in logic only ever sees ``str`` payloads; which library found them
is a hardware choice made here. zxing-cpp is the default (see
``bench/qr_decode.py`` for the measured speed and robustness), pyzbar is the
fallback that needs Debian's libzbar0, and OpenCV's QRCodeDetector is kept
only as a benchmark reference.

Payload bytes are decoded as UTF-8 with ``errors="replace"``: a code holding
garbage or another charset becomes a string with U+FFFD in it, which the
check-in logic rejects as an unknown booking (so the applicant sees a
message) instead of the kiosk crashing or silently ignoring the code.
Exception: zbar (and OpenCV) transcode a payload to UTF-8 themselves, from
their own charset guess, before we see it: bytes that are not UTF-8 come out
as Latin-1 or Shift-JIS readings, and zbar even reads a short *valid* UTF-8
payload such as "日" as Shift-JIS ("譌･"). Booking codes are ASCII, so this
only changes what garbage looks like, never whether it raises.

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
    """Bytes from a QR symbol as text that can never raise (see the module docstring)."""
    return data.decode("utf-8", errors="replace")


def _unique_texts(payloads: Iterable[bytes]) -> list[str]:
    """Decoded, non-empty, first occurrence only, in the order the library found them."""
    texts: list[str] = []
    for data in payloads:
        text = payload_text(data)
        if text and text not in texts:
            texts.append(text)
    return texts


def _as_gray(gray: np.ndarray) -> np.ndarray:
    """Validate the frame once here, because the C libraries misread or crash on anything else."""
    if gray.ndim != 2 or gray.dtype != np.uint8:
        raise ValueError(f"expected a 2-D uint8 grayscale frame, got {gray.dtype} {gray.shape}")
    return np.ascontiguousarray(gray)


class ZxingDecoder:
    """zxing-cpp, restricted to QR codes (the default decoder).

    Restricting ``formats`` keeps the linear-barcode readers from running on
    every frame of an idle lobby. ``try_rotate`` only adds 90/270 degree passes
    for linear codes; the QR detector finds a symbol at any angle without it,
    so it is off by default. ``try_downscale`` also searches shrunken copies of
    the frame, which rescues codes that are blurred or very large in a 720p
    frame. ``try_invert`` reads light-on-dark ("dark mode") codes, at the cost
    of a second pass over frames where nothing was found.
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
        # Model 2 only where zxing-cpp can say so (3.x): "QRCode" there also means Micro
        # QR and rMQR, whose single finder pattern is cheaper to mistake in clutter.
        formats = zxingcpp.BarcodeFormat
        self._formats = getattr(formats, "QRCodeModel2", formats.QRCode)
        self._options: dict[str, Any] = {
            "try_rotate": try_rotate,
            "try_downscale": try_downscale,
            "try_invert": try_invert,
        }

    def decode(self, gray: np.ndarray) -> list[str]:
        barcodes = self._zxing.read_barcodes(_as_gray(gray), formats=self._formats, **self._options)
        return _unique_texts(b.bytes for b in barcodes if b.valid)


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
        return _unique_texts(d.data for d in decoded)


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
        return _unique_texts([bytes(data)]) if data else []


def make_decoder(name: str) -> QrDecoder:
    """The decoder a config names: "zxing" (default), "zbar" or "opencv"."""
    if name == "zxing":
        return ZxingDecoder()
    if name == "zbar":
        return ZbarDecoder()
    if name == "opencv":
        return OpenCvDecoder()
    raise ValueError(f"unknown QR decoder {name!r}; expected one of {DECODER_NAMES}")
