"""The Dagster code location that `dagster dev`, `klimamonitor ui` and a gRPC code server load (workspace.yaml,
pyproject's [tool.dagster]): the definitions of the configuration in $KLIMAMONITOR_CONFIG and the data directory in
$KLIMAMONITOR_DATA_DIR (defaults: the bundled demo, ./data). Importing this module builds them; importing
pipelines.definitions builds nothing."""

from pipelines.definitions import build_defs

defs = build_defs()
