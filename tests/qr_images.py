"""Camera-like frames with a booking QR code, generated from scratch and seeded.

No binary fixtures live in the repository: every frame is drawn from the QR
module matrix that ``qrcode`` computes, so a test can ask for any payload
and a reviewer can read exactly what distortion a decoder had to survive.

The scene is a phone held up to the kiosk camera: a dark bezel around a white
screen showing the code, projected into a cluttered, unevenly lit lobby
background by one homography (rotation, tilt, size), then camera effects on
the whole frame (blur, sensor noise, low contrast, glare). Sizes and blur are
given for a 640x480 frame and scale with the frame height, so a 1280x720
frame is the same scene seen by a higher-resolution camera.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import qrcode

Frame = np.ndarray

SIZES: dict[str, tuple[int, int]] = {"640x480": (640, 480), "1280x720": (1280, 720)}

# What online bookers show: a short reference, a structured record, a signed token.
PAYLOADS: dict[str, str] = {
    "short": "BKG-7F3K9Q2M",
    "record": "IMIGRASI/BOOKING/v1/KANIM-DPS/2026-11-25/0930/PASPOR-BARU/7F3K9Q2M",
    "signed": (
        "IMI1.eyJiIjoiN0YzSzlRMk0iLCJvIjoiS0FOSU0tRFBTIiwiZCI6IjIwMjYtMTEtMjUiLCJ0IjoiMDkzMCJ9"
        ".q8Zt1n3Vb0eWkL2yR7cFhX5uJm9sPdA4gTxE6oNiYw"
    ),
}

QUIET_ZONE = 4  # modules of white around the symbol, as ISO 18004 asks
SCREEN_MARGIN = 3  # further white screen around the quiet zone, in modules
BEZEL = 3  # dark phone body around the screen, in modules


@dataclasses.dataclass(frozen=True)
class Variant:
    """One way a code can look to the camera; lengths are for a 640x480 frame."""

    name: str
    code_px: float = 200.0  # side of the symbol without quiet zone
    rotation_deg: float = 0.0
    tilt: float = 0.0  # 0 = facing the camera; 0.4 = far edge 40 % shorter
    blur_sigma: float = 0.0
    noise_sigma: float = 2.0  # every real sensor has some
    contrast: float = 1.0  # 1 = full range; 0.2 = a dim screen in a bright lobby
    glare: float = 0.0  # size of a reflected ceiling light, relative to the code; 0 = none
    glare_at: tuple[float, float] = (0.0, 0.0)  # its centre, in code sides from the centre
    invert: bool = False  # "dark mode": light modules on a dark screen
    has_code: bool = True


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant("clean"),
        Variant("rot15", rotation_deg=15),
        Variant("rot45", rotation_deg=45),
        Variant("rot90", rotation_deg=90),
        # Far edge 30 % shorter: a phone held ~10 cm away and leaning back ~45 degrees.
        Variant("tilt", tilt=0.3, rotation_deg=5),
        # Defocus: a fixed-focus webcam and a phone held too close; ~half a module of
        # blur for the dense "signed" payload.
        Variant("blur", blur_sigma=2.0),
        Variant("small", code_px=80),
        Variant("noise", noise_sigma=25),  # a cheap webcam at high gain in a dim corner
        Variant("low_contrast", contrast=0.2),
        # A ceiling light reflected on the screen, over the data modules ...
        Variant("glare", glare=0.75, glare_at=(-0.05, 0.1)),
        # ... and a smaller one right on the top-right finder pattern.
        Variant("glare_finder", glare=0.4, glare_at=(0.33, -0.33)),
        Variant("inverted", invert=True),
        Variant("no_code", has_code=False),
    )
}


def qr_modules(payload: str | bytes, error_correction: int = qrcode.ERROR_CORRECT_M) -> Frame:
    """The symbol's modules (True = dark) without quiet zone; bytes go in as raw 8-bit data."""
    qr = qrcode.QRCode(error_correction=error_correction, border=0)
    qr.add_data(payload)
    qr.make(fit=True)
    return np.array(qr.get_matrix(), dtype=bool)


def zxing_modules(text: str, format_name: str = "QRCode", **options: object) -> Frame:
    """Modules drawn by zxing-cpp's writer, for what ``qrcode`` cannot encode.

    ``qrcode`` writes 8-bit data with no ECI; zxing-cpp's writer picks Kanji mode
    for Japanese text and takes an ``eci=`` option (26 = UTF-8, 7 = ISO-8859-5,
    20 = Shift-JIS), and also draws Micro QR (``"MicroQRCode"``) and rMQR.
    """
    import zxingcpp

    fmt = getattr(zxingcpp.BarcodeFormat, format_name)
    barcode = zxingcpp.create_barcode(text, fmt, **options)
    image = np.array(zxingcpp.write_barcode_to_image(barcode, add_quiet_zones=False))
    return image < 128


def _phone(modules: Frame, module_px: int, invert: bool) -> tuple[Frame, Frame, float]:
    """Bezel + screen + code at ``module_px``; returns image, mask, and the code's origin."""
    n = modules.shape[0]
    pad = QUIET_ZONE + SCREEN_MARGIN
    screen_fg, screen_bg = (230, 25) if invert else (10, 245)
    screen = np.full((n + 2 * pad, n + 2 * pad), screen_bg, dtype=np.uint8)
    screen[pad : pad + n, pad : pad + n][modules] = screen_fg
    body = np.full((n + 2 * (pad + BEZEL),) * 2, 35, dtype=np.uint8)
    body[BEZEL:-BEZEL, BEZEL:-BEZEL] = screen
    image = np.kron(body, np.ones((module_px, module_px), dtype=np.uint8))
    mask = np.full(image.shape, 255, dtype=np.uint8)
    return image, mask, float((pad + BEZEL) * module_px)


def _background(width: int, height: int, rng: np.random.Generator) -> Frame:
    """Unevenly lit lobby: a lighting gradient and some clutter for false finder hits."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    gx, gy = rng.uniform(-0.25, 0.25, size=2)
    light = 150 + 60 * (gx * (xx / width - 0.5) + gy * (yy / height - 0.5))
    frame = light.astype(np.float32)
    for _ in range(12):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        w = int(rng.integers(width // 30, width // 5))
        h = int(rng.integers(height // 30, height // 5))
        frame[y0 : y0 + h, x0 : x0 + w] = float(rng.integers(40, 230))
    frame = cv2.GaussianBlur(frame, (0, 0), 1.0)
    return np.clip(frame, 0, 255).astype(np.uint8)


def _code_quad(variant: Variant, side: float, width: int, height: int) -> Frame:
    """Where the symbol's corners land: a square, tilted back, rotated, centred."""
    half = side / 2
    far = half * (1 - variant.tilt)  # the top edge recedes when the phone leans back
    depth_shift = side * variant.tilt * 0.15
    quad = np.array(
        [[-far, -half + depth_shift], [far, -half + depth_shift], [half, half], [-half, half]],
        dtype=np.float64,
    )
    angle = math.radians(variant.rotation_deg)
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    quad = quad @ rot.T
    quad += (width / 2, height / 2)
    return quad.astype(np.float32)


def _glare(frame: Frame, centre: tuple[float, float], side: float, variant: Variant) -> Frame:
    """A ceiling light reflected on the phone screen: a saturated ellipse with soft edges."""
    mask = np.zeros(frame.shape, dtype=np.float32)
    size = variant.glare
    axes = (max(1, int(side * 0.22 * size)), max(1, int(side * 0.12 * size)))
    cx = int(centre[0] + side * variant.glare_at[0])
    cy = int(centre[1] + side * variant.glare_at[1])
    cv2.ellipse(mask, (cx, cy), axes, -30, 0, 360, 1.0, thickness=-1)
    mask = cv2.GaussianBlur(mask, (0, 0), side * 0.03)
    out = frame.astype(np.float32)
    out += (255 - out) * np.clip(mask * 1.1, 0, 1)
    return np.clip(out, 0, 255).astype(np.uint8)


def make_frame(
    payload: str | bytes | Frame | None,
    variant: Variant | str = "clean",
    size: tuple[int, int] = (640, 480),
    seed: int = 0,
) -> Frame:
    """A grayscale uint8 camera frame of ``payload`` distorted as ``variant`` says.

    ``payload=None`` or ``variant.has_code=False`` gives the same scene with no
    phone in it; an array is a module matrix made elsewhere (``zxing_modules``).
    Same arguments, same pixels.
    """
    if isinstance(variant, str):
        variant = VARIANTS[variant]
    width, height = size
    scale = height / 480
    rng = np.random.default_rng(seed)
    frame = _background(width, height, rng)
    side = variant.code_px * scale
    if payload is not None and variant.has_code:
        modules = payload if isinstance(payload, np.ndarray) else qr_modules(payload)
        n = modules.shape[0]
        module_px = max(2, math.ceil(side / n))
        phone, mask, origin = _phone(modules, module_px, variant.invert)
        far = origin + n * module_px
        src = np.array([[origin, origin], [far, origin], [far, far], [origin, far]], np.float32)
        dst = _code_quad(variant, side, width, height)
        homography = cv2.getPerspectiveTransform(src, dst)
        warped = cv2.warpPerspective(phone, homography, (width, height), flags=cv2.INTER_LINEAR)
        cover = cv2.warpPerspective(mask, homography, (width, height), flags=cv2.INTER_LINEAR)
        alpha = cover.astype(np.float32) / 255
        frame = (warped * alpha + frame * (1 - alpha)).astype(np.uint8)
        if variant.glare:
            frame = _glare(frame, (width / 2, height / 2), side, variant)
    if variant.blur_sigma:
        frame = cv2.GaussianBlur(frame, (0, 0), variant.blur_sigma * scale)
    if variant.contrast != 1.0:
        mid = 128.0
        frame = np.clip((frame.astype(np.float32) - mid) * variant.contrast + mid, 0, 255)
        frame = frame.astype(np.uint8)
    if variant.noise_sigma:
        noise = rng.normal(0, variant.noise_sigma, frame.shape)
        frame = np.clip(frame + noise, 0, 255).astype(np.uint8)
    return frame


def noise_frame(size: tuple[int, int] = (640, 480), seed: int = 0) -> Frame:
    """Pure uniform noise: the worst garbage a decoder could be handed."""
    width, height = size
    return np.random.default_rng(seed).integers(0, 256, (height, width), dtype=np.uint8)


def to_bgr(gray: Frame) -> Frame:
    """What a colour camera or cv2.imread hands over."""
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


def write_png(path: Path, frame: Frame) -> Path:
    """Write a frame losslessly, raising when OpenCV silently could not."""
    if not cv2.imwrite(str(path), frame):
        raise OSError(f"cv2.imwrite could not write {path}")
    return path


def benchmark_set(
    sizes: dict[str, tuple[int, int]] = SIZES,
) -> Iterator[tuple[str, str, str, str | None, Frame]]:
    """(size name, variant name, payload name, payload, frame) for every combination.

    The no-code variant appears once per size and seed, with payload None, so
    a success for it means "returned nothing".
    """
    for size_name, size in sizes.items():
        for variant in VARIANTS.values():
            if not variant.has_code:
                for seed in range(len(PAYLOADS)):
                    yield size_name, variant.name, "-", None, make_frame(None, variant, size, seed)
                continue
            for seed, (payload_name, payload) in enumerate(PAYLOADS.items()):
                frame = make_frame(payload, variant, size, seed)
                yield size_name, variant.name, payload_name, payload, frame
