"""The kiosk's side of the central hub: the wire protocol (shared with the hub), the
sync worker and hub leases of walk-in numbers. The only kiosk package that speaks
HTTP as a client (httpx); imports the store, config and queue core.
"""
