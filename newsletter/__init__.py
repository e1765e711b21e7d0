"""The inter-project newsletter: subscribers with double opt-in, issues, their deliveries."""
