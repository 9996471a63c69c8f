"""Following a ticket from a phone (issue 15): the unguessable link printed as the
ticket's QR code, and the state its page shows (number, people before, wait, call).

Shared by the kiosk's LAN server and the hub; no HTTP and no words here.
"""
