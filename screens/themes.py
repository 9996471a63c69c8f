"""The kiosk's two looks: standard, and high contrast for low vision and a bright lobby.

Both are Textual themes, so switching one reactive (``App.theme``) recolours
Textual's own widgets (staff buttons, tabs, inputs) and, through the class
``-theme-kiosk-high-contrast`` Textual puts on the App, the high-contrast
block of kiosk.tcss. Every colour is checked by tests/test_accessibility.py:
text at least 4.5:1 against its background (7:1 in high contrast), in full
colour and in the 16 colours of a Linux console.
"""

from __future__ import annotations

from textual.app import App
from textual.theme import Theme

# Config value ([screen] theme) -> Textual theme name.
THEMES = {"standard": "kiosk-standard", "high_contrast": "kiosk-high-contrast"}

STANDARD = Theme(
    name="kiosk-standard",
    # textual-dark's roles in colours that stay apart when a Linux console cuts them to 16
    # (its orange turns light red, its blue turns cyan: white text on them was unreadable).
    primary="#1c3f94",
    secondary="#1c3f94",
    accent="#f0c000",
    warning="#f0c000",
    error="#b00000",
    success="#4ebf71",
    foreground="#ffffff",
    background="#000000",
    surface="#1e1e1e",
    panel="#262626",
    dark=True,
    variables={
        "text-muted": "#c8c8c8",
        "text-disabled": "#c8c8c8",  # input placeholders must stay readable
        "foreground-muted": "#c8c8c8",
        "button-color-foreground": "auto 100%",  # black on yellow/green, white on blue/red
        "block-cursor-foreground": "#ffffff",
        "block-cursor-blurred-foreground": "#ffffff",
        "block-cursor-blurred-background": "#262626",
        "input-selection-background": "#1c3f94",
    },
)

HIGH_CONTRAST = Theme(
    name="kiosk-high-contrast",
    # Pure black, white and yellow: nothing grey, nothing dim, meaning always in words.
    primary="#ffff00",
    secondary="#ffffff",
    accent="#ffff00",
    warning="#ffff00",
    error="#ffff00",
    success="#ffffff",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#000000",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
    variables={
        "text": "#ffffff",
        "text-muted": "#ffffff",
        "text-disabled": "#ffff00",
        "foreground-muted": "#ffffff",
        "button-foreground": "#ffffff",
        "button-color-foreground": "#000000",
        "button-focus-text-style": "bold",  # kiosk.tcss paints focus black on white
        # Black on white: bold black on yellow is dark grey on a Linux console (under 7:1).
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#ffffff",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-foreground": "#ffffff",
        "block-cursor-blurred-background": "#000000",
        "block-cursor-blurred-text-style": "bold underline",
        "input-cursor-background": "#ffffff",
        "input-cursor-foreground": "#000000",
        "input-selection-background": "#ffff00",
        "input-selection-foreground": "#000000",
        "border": "#ffff00",
        "border-blurred": "#ffffff",
    },
)


def install_themes(app: App, setting: str) -> None:
    """Register both looks and switch to the configured one ("standard" / "high_contrast")."""
    app.register_theme(STANDARD)
    app.register_theme(HIGH_CONTRAST)
    name = THEMES[setting]
    if app.is_running:
        app.theme = name
        return
    # Before the app runs no CSS is parsed yet: the first parse takes this theme's
    # variables. Setting ``app.theme`` here would parse every stylesheet a second time
    # (~30 ms of `kiosk run`'s first frame, bench/startup.py); only the classes its
    # watcher sets and the stylesheet's variables are needed (both looks are dark, as
    # Textual's default theme is, so its ANSI colour mapping stays as it is).
    app.set_reactive(App.theme, name)
    theme = app.current_theme
    app.update_classes({**{c: False for c in app.classes if c.startswith("-theme-")},
                        f"-theme-{name}": True, "-dark-mode": theme.dark,
                        "-light-mode": not theme.dark}, update=False)
    app.stylesheet.set_variables(app.get_css_variables())  # made with the default theme


def theme_setting(app: App) -> str:
    """The config word for the look now on screen."""
    return "high_contrast" if app.theme == HIGH_CONTRAST.name else "standard"
