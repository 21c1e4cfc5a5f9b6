"""The central catalog, the Parquet store, releases and the validation suites built from the catalog."""
