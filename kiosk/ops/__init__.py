"""Keeping the appliance running: backups, the systemd watchdog, the journal, power
off and the staff PIN. Imports the store and config only.
"""
