"""What staff do from the kiosk's own screen (the F12 staff menu): counter actions,
today's figures, pause, today's cap and reprints, as plain calls a screen runs in a
worker. Imports the queue core, reports and sync; never a screen or a driver.
"""
