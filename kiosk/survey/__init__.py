"""The public satisfaction survey (Survei Kepuasan Masyarakat, PermenPANRB 14/2017):
the index computed the official way, and the responses kept in the store."""
