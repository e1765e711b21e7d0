"""The expertise catalogue: facilitators, projects' needs and offers, and workshop requests."""
