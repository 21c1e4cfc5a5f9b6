"""Dagster asset definitions, one module per layer, thin wrappers around the pure functions beside them."""
