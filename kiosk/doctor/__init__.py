"""`kiosk doctor`: checks every part of an installed kiosk (config, store, devices,
clock, servers, hub) and says how to fix each. It sits above everything it checks.
"""
