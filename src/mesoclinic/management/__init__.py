"""The project's own commands: demo, protocols and aftercare."""
