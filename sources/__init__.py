"""Connectors and parsers for partner deliveries (Dagster-free), and the synthetic demo deliveries."""
