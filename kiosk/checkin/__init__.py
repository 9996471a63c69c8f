"""Online bookers: the booking store and import, the signed booking QR, NIK checks
and the check-in service. Imports the queue core, the store and config; no UI,
no HTTP, no driver.
"""
