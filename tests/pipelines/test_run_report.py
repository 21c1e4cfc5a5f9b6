"""The run summary's lines on quarantined and filtered rows (pipelines/run_report.py): every class of finding with
its count of rows, per file for quarantined rows and per source for filtered ones, of the deliveries in use only."""

import pandas as pd

from pipelines.run_report import quarantined_per_file
from warehouse.catalog import get_table
from warehouse.store import ParquetStore


def _deliveries(rows: list[dict]) -> pd.DataFrame:
    columns = get_table("deliveries").column_names
    return pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns)


def _findings(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([{"source_id": s, "delivery_id": d, "source_row": line, "column": col, "raw_value": None,
                          "reason": reason, "finding_kind": kind, "rows_affected": n}
                         for s, d, line, col, reason, kind, n in rows], columns=get_table(
                             "raw_mastr_csv__units_rejected").column_names)


def test_every_class_of_finding_is_counted_per_file_and_rejected_deliveries_are_left_out(tmp_path):
    store = ParquetStore(tmp_path / "warehouse")
    store.write("deliveries", _deliveries([
        {"delivery_id": "mastr:1", "source_id": "mastr", "file_name": "export.csv", "status": "accepted",
         "rows_rejected": 3, "rows_out_of_region": 40},
        {"delivery_id": "mastr:2", "source_id": "mastr", "file_name": "export_old.csv", "status": "rejected",
         "rows_rejected": 20, "rows_out_of_region": 0},
        {"delivery_id": "mastr:3", "source_id": "mastr", "file_name": "export_2.csv", "status": "accepted",
         "rows_rejected": 0, "rows_out_of_region": 2},
    ]))
    where = "source 'mastr', file 'export.csv', row {}"
    store.write("raw_mastr_csv__units_rejected", _findings([
        ("mastr", "mastr:1", 4, "Bruttoleistung", where.format(4) + ", column 'Bruttoleistung': the gross capacity "
         "is missing or negative (unit SEE4); expected a number", "rejected", 1),
        ("mastr", "mastr:1", 9, "Bruttoleistung", where.format(9) + ", column 'Bruttoleistung': the gross capacity "
         "is missing or negative (unit SEE9); expected a number", "rejected", 1),
        ("mastr", "mastr:1", 12, None, where.format(12) + ": identical duplicate of row 11; one copy was kept",
         "rejected", 1),
        ("mastr", "mastr:1", None, "Gemeindeschlüssel", "source 'mastr', file 'export.csv', column "
         "'Gemeindeschlüssel': 40 unit(s) outside the configured region were filtered out", "filtered", 40),
        ("mastr", "mastr:3", None, "Gemeindeschlüssel", "source 'mastr', file 'export_2.csv', column "
         "'Gemeindeschlüssel': 2 unit(s) outside the configured region were filtered out", "filtered", 2),
        ("mastr", "mastr:2", 5, "Bruttoleistung", "source 'mastr', file 'export_old.csv', row 5, column "
         "'Bruttoleistung': the gross capacity is missing or negative (unit SEE5)", "rejected", 1),
    ]))
    assert quarantined_per_file(tmp_path) == [
        "mastr: export.csv: 3 row(s) quarantined — 2× column 'Bruttoleistung': the gross capacity is missing or "
        "negative (unit SEE…); 1× identical duplicate of row …; one copy was kept",
        "mastr: 2 files: 42 row(s) filtered — 42× column 'Gemeindeschlüssel': … unit(s) outside the configured region "
        "were filtered out",
    ]


def test_a_warehouse_without_deliveries_gives_no_lines(tmp_path):
    assert quarantined_per_file(tmp_path) == []


def test_where_to_look_names_another_data_directory_and_configuration(tmp_path, monkeypatch):
    """The hints can be copied as they are: another district's run names its --config and --data-dir."""
    from assets.config import DATA_DIR_ENV, DEFAULT_CONFIG, resolve_data_dir
    from pipelines.progress import RunSummary

    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    other = RunSummary(success=True).render(tmp_path / "data", tmp_path / "district.yaml")
    assert f'klimamonitor sql --data-dir {tmp_path / "data"} "SELECT * FROM municipalities"' in other
    assert f"klimamonitor ui --config {tmp_path / 'district.yaml'} --data-dir {tmp_path / 'data'}" in other
    default = RunSummary(success=True).render(resolve_data_dir(), DEFAULT_CONFIG)
    assert 'klimamonitor sql "SELECT * FROM municipalities"' in default and "klimamonitor ui   (" in default
