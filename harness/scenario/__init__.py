"""YAML scenarios: schema, loading with clear errors, and the step runner."""
