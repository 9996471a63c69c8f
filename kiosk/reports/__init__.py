"""`kiosk report`: a day's or a range's figures from the store, as a table, CSV, JSON
or HTML with charts. Reads the store; imports texts for wording.
"""
