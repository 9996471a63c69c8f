"""The kiosk's server on the office LAN: counter terminals and the lobby web board.
Imports the queue core and the store; the composition root starts it.
"""
