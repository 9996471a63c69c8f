"""Personal data and secrets, kept as little as the job needs: NIK parsing, salted
hashes and masks (UU 27/2022), and staff PIN hashes. Imports nothing of the kiosk.
"""
