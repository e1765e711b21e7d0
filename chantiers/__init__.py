"""The shared workstreams ("chantiers"), their resources, steps and participating projects."""
