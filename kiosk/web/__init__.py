"""The one HTTP server stack of the kiosk's servers (the hub and the LAN server):
serving a Starlette app with uvicorn in a background thread, with a real backlog and
deadlines that drop slow clients, one bearer-token helper, and one reader of request
bodies with limits (size, nesting, strings, numbers). Imports no kiosk package.
"""
