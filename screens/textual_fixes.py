"""Work-arounds for Textual bugs that matter to an app left running for months."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from textual._styles_cache import StylesCache

if TYPE_CHECKING:
    from rich.style import Style
    from textual.color import Color


def release_gone_widgets_render_caches() -> None:
    """Cache ``StylesCache.get_inner_outer`` on its colours only.

    Textual 8 puts ``functools.lru_cache(1024)`` on that *method*, so the cache key
    holds the widget's ``StylesCache``, and with it every line the widget drew,
    after the widget is gone: up to 1,024 of them, about 150 kB per ticket screen,
    60 MB and more on the kiosk after a few hundred tickets (bench/startup.py;
    Textualize/textual#6665). The result depends only on the two colours. Does
    nothing if Textual has changed the method (fixed upstream) or it is done already.
    """
    method = StylesCache.__dict__.get("get_inner_outer")
    compute = getattr(method, "__wrapped__", None)
    if compute is None or getattr(method, "by_colours", False):
        return

    @lru_cache(1024)
    def inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
        return compute(None, base_background, background)  # the body never reads ``self``

    def get_inner_outer(self: StylesCache, base_background: Color,
                        background: Color) -> tuple[Style, Style]:
        return inner_outer(base_background, background)

    get_inner_outer.by_colours = True  # type: ignore[attr-defined]
    StylesCache.get_inner_outer = get_inner_outer  # type: ignore[method-assign]
