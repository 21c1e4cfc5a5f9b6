"""Parsers: one module per partner format, each turning a landed delivery into typed raw rows with lineage."""
