"""Seed content of the portal: the source document, its structured form and its loader."""
