"""Hardware adapters implementing kiosk.ports; the domain never imports these."""
