"""Tests mirroring the source tree; integration tests run the pipeline on the demo."""
