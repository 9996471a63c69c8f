"""Textual screens of the kiosk: they talk only to ``kiosk`` services and ports."""
