"""The central hub that runs at head office, never on a kiosk: its Starlette app and
its SQL store (SQLite or PostgreSQL). Imports the sync protocol, config rules and
booking import; never the lobby appliance, screens or hardware.
"""
