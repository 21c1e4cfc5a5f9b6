"""The central catalog: definitions are consistent, frames are conformed or rejected with a clear message, the
Parquet footer carries descriptions and units, and the generated documents are current."""

import datetime as dt
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from warehouse.catalog import CatalogError, conform, data_dictionary_markdown, datapackage, get_table
from warehouse.fields import FIELDS
from warehouse.store import ParquetStore
from warehouse.tables import TABLES

from ..conftest import PROJECT_ROOT

CONTRACT_REQUIRED = {  # docs/contract.md: table -> key, required columns (for the tables implemented so far)
    "deliveries": (["delivery_id"], ["source_id", "partner", "file_name", "sha256", "received_at", "scope_years",
                                     "scope_ags", "status", "superseded_by", "provisional"]),
    "population": (["ags", "year"], ["population", "value_status"]),
}


def _population(**overrides):
    frame = pd.DataFrame(
        {
            "ags": ["05974004", "05974000"],
            "year": [2021, 2021],
            "population": [10203.0, 302298.0],
            "value_status": ["reported", "reported"],
            "complete": [True, True],
            "delivery_id": ["genesis:abc", None],
            "source_row": [12, None],
            "census_basis": ["zensus_2011", "zensus_2011"],
            "basis_break": [False, False],
        }
    )
    for k, v in overrides.items():
        frame[k] = v
    return frame


def test_every_table_column_is_a_defined_field_and_keys_are_required():
    for table in TABLES.values():
        for col in table.columns:
            assert col.name in FIELDS or any(f.description == col.description for f in FIELDS.values()), (
                table.name, col.name)
            assert col.description, (table.name, col.name)
        for key in table.primary_key:
            assert table.column(key).required


@pytest.mark.parametrize("name", sorted(CONTRACT_REQUIRED))
def test_published_tables_follow_the_contract(name):
    table = get_table(name)
    key, required = CONTRACT_REQUIRED[name]
    assert table.published
    assert list(table.primary_key) == key
    assert set(required) <= set(table.column_names)


def test_conform_orders_columns_and_rows_by_key():
    frame = _population()[["value_status", "population", "ags", "year", "complete", "source_row", "delivery_id",
                           "basis_break", "census_basis"]]
    arrow = conform(frame, "population")
    assert arrow.column_names == get_table("population").column_names
    assert arrow.column("ags").to_pylist() == ["05974000", "05974004"]


@pytest.mark.parametrize(
    "frame, fragment",
    [
        (_population().drop(columns=["value_status"]), "missing columns ['value_status']"),
        (_population(extra=1), "columns not in the catalog ['extra']"),
        (_population(year=["2021", "zwanzig"]), "column 'year': cannot store as year"),
        (_population(ags=[None, "05974000"]), "column 'ags': 1 null values in a required column"),
        (_population(ags=["05974000", "05974000"]), "2 rows share a primary key"),
        (_population(complete=["yes", True]), "column 'complete': cannot store as boolean"),
    ],
)
def test_conform_rejects_with_table_and_column(frame, fragment):
    with pytest.raises(CatalogError, match="population") as err:
        conform(frame, "population")
    assert fragment in str(err.value)


def test_unknown_table_is_an_error():
    with pytest.raises(CatalogError, match="not in the catalog"):
        ParquetStore(PROJECT_ROOT / "nowhere").write("no_such_table", pd.DataFrame())


def test_parquet_footer_has_descriptions_units_and_key(tmp_path):
    written = ParquetStore(tmp_path).write("population", _population())
    schema = pq.read_schema(written.path)
    field = schema.field("population")
    assert field.metadata[b"unit"] == b"persons"
    assert b"Inhabitants" in field.metadata[b"description"]
    assert schema.field("ags").metadata[b"description"].startswith(b"Official municipality key")
    assert json.loads(schema.metadata[b"klimamonitor.primary_key"]) == ["ags", "year"]
    assert schema.metadata[b"klimamonitor.table"] == b"population"


def test_datetime_and_list_columns_round_trip(tmp_path):
    frame = pd.DataFrame(
        {
            "delivery_id": ["s:1"], "source_id": ["s"], "partner": ["P"], "file_name": ["f.csv"],
            "landed_path": ["landing/s/f.csv"], "sha256": ["0" * 64], "size_bytes": [10],
            "received_at": [dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)], "scope_years": [[2020, 2021]],
            "scope_ags": [["05974004"]], "status": ["accepted"], "superseded_by": [None], "status_reason": [None],
            "provisional": [False], "rows_parsed": [3], "rows_rejected": [0], "rows_out_of_region": [1],
            "cells_confidential": [0], "cells_without_value": [0], "origin": ["partner_deliveries"],
        }
    )  # fmt: skip
    store = ParquetStore(tmp_path)
    store.write("deliveries", frame)
    back = store.read("deliveries")
    assert list(back.loc[0, "scope_years"]) == [2020, 2021]
    assert back.loc[0, "received_at"] == pd.Timestamp("2026-01-02T03:04:05Z")


def test_datapackage_describes_resources_from_the_catalog():
    desc = datapackage(
        {"population": {"path": "exports/population.csv", "sha256": "ab" * 32, "bytes": 5,
                        "parquet": {"path": "population.parquet", "sha256": "cd" * 32, "bytes": 7}}},
        name="x", title="X", version="1", data_origin="synthetic_demo",
        licenses=[{"name": "dl-de/by-2-0"}], sources=[{"title": "IT.NRW"}],
    )
    (res,) = desc["resources"]
    assert res["path"] == "exports/population.csv" and res["format"] == "csv" and res["bytes"] == 5
    assert res["klimamonitor:parquet"] == {"path": "population.parquet", "hash": "sha256:" + "cd" * 32, "bytes": 7}
    assert desc["licenses"] == [{"name": "dl-de/by-2-0"}] and desc["sources"] == [{"title": "IT.NRW"}]
    assert "contributors" not in desc  # none configured: left out, not an empty list
    assert res["schema"]["primaryKey"] == ["ags", "year"]
    pop = next(f for f in res["schema"]["fields"] if f["name"] == "population")
    assert pop["unit"] == "persons" and pop["constraints"]["minimum"] == 0
    status = next(f for f in res["schema"]["fields"] if f["name"] == "value_status")
    assert "confidential" in status["constraints"]["enum"]
    assert desc["klimamonitor"]["data_origin"] == "synthetic_demo"


def test_data_dictionary_is_current():
    committed = (PROJECT_ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == data_dictionary_markdown(), \
        "docs/data-dictionary.md is stale: run `klimamonitor docs --out docs/data-dictionary.md`"


def test_the_contract_in_docs_states_the_catalogs_version():
    from warehouse.catalog import CONTRACT_VERSION

    contract = (PROJECT_ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    assert contract.startswith(f"# The published contract — version {CONTRACT_VERSION}\n")
    assert f"**{CONTRACT_VERSION}**" in contract  # its changes are listed under Versions
