"""Opt-in messages to applicants ("N before you", "your turn: counter X", issue 15): the
phone number sealed for one office day, an outbox in the store, and the HTTP gateways.
"""
