"""Workshops, territorial meetings and other events of the chantiers."""
