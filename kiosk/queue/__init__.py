"""The queue core: numbering, issuing, calling and call order, the office schedule,
day controls, wait estimates and the walk-in guard. Returns facts, never words;
imports the store, config and clock only: no HTTP, no UI, no driver, no texts.
"""
