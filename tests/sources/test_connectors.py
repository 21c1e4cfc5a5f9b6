"""Connectors: file drops (local folder and an fsspec URL) and SQL pulls against SQLite and the real PostgreSQL and
MariaDB on 127.0.0.1: snapshots are byte-stable, identifiers are checked, reads are read-only, secrets stay hidden."""

import datetime as dt
import uuid

import fsspec
import pytest
import sqlalchemy as sa

from sources.connectors import ConnectorError, fetch_file_drop, fetch_sql, resolve_sql_url, safe_url


def test_file_drop_reads_without_touching(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "b.csv").write_bytes(b"2")
    (drop / "a.csv").write_bytes(b"1")
    (drop / "notes.txt").write_bytes(b"x")
    before = sorted((p.name, p.stat().st_mtime_ns) for p in drop.iterdir())
    assert fetch_file_drop("s", str(drop), "*.csv") == [("a.csv", b"1"), ("b.csv", b"2")]
    assert sorted((p.name, p.stat().st_mtime_ns) for p in drop.iterdir()) == before


def test_file_drop_refuses_an_oversized_file_unread(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "small.csv").write_bytes(b"x" * 100)
    (drop / "Export_komplett.csv").write_bytes(b"x" * 5000)
    with pytest.raises(ConnectorError, match=r"'Export_komplett.csv' was refused and not read: it has 5,000 bytes, "
                                           r"more than the 1,000 allowed"):
        fetch_file_drop("s", str(drop), "*.csv", max_bytes=1000)


def test_file_drop_through_an_fsspec_url():
    fs = fsspec.filesystem("memory")
    fs.pipe("/klimamonitor-test/drop/x.csv", b"data")
    assert fetch_file_drop("s", "memory://klimamonitor-test/drop", "*.csv") == [("x.csv", b"data")]


def test_file_drop_missing_location_is_clear(tmp_path):
    with pytest.raises(ConnectorError, match="source 's': drop location .* does not exist"):
        fetch_file_drop("s", str(tmp_path / "nope"))


TABLES = {
    "buildings": {"table": "{t}", "columns": {"building_id": "id", "building_name": "bezeichnung"},
                  "order_by": ["id"]},
}  # fmt: skip


def _roundtrip(url: str) -> None:
    name = f"km_test_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE TABLE {name} (id VARCHAR(20) PRIMARY KEY, bezeichnung VARCHAR(100), "
                             "datum DATE)")
        conn.execute(sa.text(f"INSERT INTO {name} VALUES (:i, :b, :d)"),
                     [{"i": "KS-002", "b": "Berufskolleg, Lippstadt", "d": "2015-06-01"},
                      {"i": "KS-001", "b": "Kreishaus Soest", "d": "2007-01-01"}])
    try:
        spec = {"buildings": {**TABLES["buildings"], "table": name}}
        first = fetch_sql("fdb", url, spec)
        assert first == [("buildings.csv", "building_id,building_name\nKS-001,Kreishaus Soest\n"
                          'KS-002,"Berufskolleg, Lippstadt"\n'.encode())]
        assert fetch_sql("fdb", url, spec) == first  # unchanged data, identical bytes
        since = {"buildings": {**spec["buildings"], "since": {"column": "datum", "param": "since"}}}
        (only,) = fetch_sql("fdb", url, since, {"since": dt.date(2010, 1, 1)})
        assert only[1].count(b"\n") == 2
        with pytest.raises(ConnectorError, match="has no column 'nope'"):
            fetch_sql("fdb", url, {"buildings": {"table": name, "columns": {"x": "nope"}}})
        with pytest.raises(ConnectorError, match="not a plain SQL identifier"):
            fetch_sql("fdb", url, {"buildings": {"table": f"{name}; DROP TABLE {name}", "columns": {"x": "id"}}})
        with pytest.raises(ConnectorError, match="does not exist"):
            fetch_sql("fdb", url, {"buildings": {"table": "km_no_such_table", "columns": {"x": "id"}}})
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP TABLE {name}")
        engine.dispose()


def test_sql_snapshot_sqlite(tmp_path):
    _roundtrip(f"sqlite:///{tmp_path / 'facility.sqlite'}")


@pytest.mark.services
def test_sql_snapshot_postgresql(postgres_url):
    _roundtrip(postgres_url)


@pytest.mark.services
def test_sql_snapshot_mariadb(mariadb_url):
    _roundtrip(mariadb_url)


@pytest.mark.services
@pytest.mark.parametrize("which", ["postgres_url", "mariadb_url"])
def test_pull_transaction_is_read_only(which, request):
    """The connector's transaction refuses writes."""
    from sources import connectors

    url = request.getfixturevalue(which)
    name = f"km_test_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE TABLE {name} (x INT)")
    try:
        with engine.connect() as conn:
            with conn.begin():
                connectors._read_only(conn)
                with pytest.raises(sa.exc.DBAPIError, match="(?i)read.only"):
                    conn.exec_driver_sql(f"INSERT INTO {name} VALUES (1)")
    finally:
        with engine.begin() as conn:
            assert conn.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar() == 0
            conn.exec_driver_sql(f"DROP TABLE {name}")
        engine.dispose()


def test_urls_come_from_the_environment_and_never_show_passwords(monkeypatch, tmp_path):
    monkeypatch.setenv("FACILITY_URL", "postgresql+psycopg://user:s3cret@db.example/facility")
    url = resolve_sql_url("fdb", "FACILITY_URL", None)
    assert "s3cret" not in safe_url(url) and "***" in safe_url(url)
    monkeypatch.delenv("FACILITY_URL")
    with pytest.raises(ConnectorError, match="environment variable FACILITY_URL is not set"):
        resolve_sql_url("fdb", "FACILITY_URL", None)
    assert resolve_sql_url("fdb", "FACILITY_URL", "sqlite:///demo.sqlite", str(tmp_path)) == \
        f"sqlite:///{tmp_path}/demo.sqlite"


def test_unreachable_database_is_a_clear_error_without_password():
    url = "postgresql+psycopg://user:s3cret@127.0.0.1:1/none?connect_timeout=2"
    with pytest.raises(ConnectorError) as err:
        fetch_sql("fdb", url, {"t": {"table": "x", "columns": {"a": "b"}}})
    assert "s3cret" not in str(err.value) and "source 'fdb'" in str(err.value)
