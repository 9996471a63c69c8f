"""The one HTTP server stack of the kiosk's servers (the hub and the LAN server):
serving a Starlette app with uvicorn in a background thread, with a real backlog and
deadlines that drop slow clients, and one bearer-token helper. Imports no kiosk package.
"""
