"""The portal's management commands: load_seed."""
