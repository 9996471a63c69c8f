"""The public "quota left today" page and JSON, shared by the hub and the kiosk's LAN server:
figures, page, routes and rate limit; imports neither the hub nor the lobby appliance.
"""
