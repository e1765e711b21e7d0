"""Settings split by context: base, local (default), test, production."""
