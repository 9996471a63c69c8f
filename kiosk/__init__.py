"""antrian-kiosk: the domain, the store and the CLI of the lobby queue kiosk.

Nothing in this package imports a hardware driver; printers, buttons and
lamps reach it through the small interfaces in ``kiosk.ports``.
"""

__version__ = "0.1.0"
