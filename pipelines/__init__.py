"""Dagster wiring and the command line: definitions, resources, configuration loading, progress output."""
