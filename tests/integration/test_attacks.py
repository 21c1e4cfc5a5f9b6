"""Attacks on the real commands, one per hole found when the pipeline was tried as an attacker would (issue #26):
links in a drop folder, hostile file names, script in a target-set name, memory bombs, secrets in a URL's query
string, `klimamonitor sql` writing or reading outside the release, a full disk (killed runs: test_killed_runs.py).
Each test counts its cases in the reliability figures ("attacks tried", "attacks refused")."""

import os
import resource
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pipelines.cli import main

from .test_fault_injection import ROOT, _district
from .test_secrets import Webhook, webhook  # noqa: F401 (a fixture: the loopback webhook receiver)

PLANTED = "PLANTED-environ-3c9d1"


def _landed_bytes(data: Path) -> list[bytes]:
    return [p.read_bytes() for p in (data / "landing").rglob("*") if p.is_file() and p.name != "register.json"]


def _attack(record_property, tried: int, refused: int) -> None:
    record_property("figure:attacks tried", tried)
    record_property("figure:attacks refused", refused)


def test_links_in_a_drop_folder_are_refused_not_landed(tmp_path, monkeypatch, record_property):
    """A link to a file outside the drop folder and one to /proc/self/environ (which holds every credential of the
    process environment), and a hard link giving the outside file a name in the folder: none is copied into the
    landing zone; the real sheet still lands and the run succeeds."""
    monkeypatch.setenv("KLIMAMONITOR_SMTP_PASSWORD", PLANTED)
    cfg = _district(tmp_path)
    drop = tmp_path / "drop"
    outside = tmp_path / "outside.txt"
    outside.write_text(f"root:x:0:0:{PLANTED}\n")
    (drop / "passwd.csv").symlink_to(outside)
    (drop / "environ.csv").symlink_to("/proc/self/environ")
    os.link(outside, drop / "hardlink.csv")  # the same file under a second name, inside the drop folder
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.csv").write_text(PLANTED)
    data = tmp_path / "data"
    result = CliRunner().invoke(main, ["run", "--no-history", "--config", str(cfg), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    for name in ("passwd.csv", "environ.csv"):
        assert f"file {name!r} was refused and not read: it is a symbolic link" in result.output
    assert "file 'hardlink.csv' was refused and not read: it is a hard link (2 names for one file" in result.output
    landed = _landed_bytes(data)
    assert len(landed) == 3  # the two sheets and the emission factors
    assert not [b for b in landed if PLANTED.encode() in b]
    _attack(record_property, 3, 3)


def test_a_bad_file_name_refuses_that_file_only(tmp_path, record_property):
    cfg = _district(tmp_path)
    drop = tmp_path / "drop"
    sheet = (drop / "Netzabsatz_Strom_2020.csv").read_bytes()
    (drop / "Netzabsatz;Strom.csv").write_bytes(sheet + b"\n")
    (drop / "Netzabsatz\nStrom.csv").write_bytes(sheet + b"\n\n")
    data = tmp_path / "data"
    result = CliRunner().invoke(main, ["run", "--no-history", "--config", str(cfg), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert result.output.count("has characters outside letters, digits") == 2
    assert result.output.count("the file was not landed") == 2
    assert sorted(p.name for p in (data / "landing" / "westnetz_electricity").rglob("*.csv")) == [
        "Netzabsatz_Strom_2020.csv", "Netzabsatz_Strom_2021.csv"]
    _attack(record_property, 2, 2)


HOSTILE_SET = "kreistag'><img src=x onerror=document.title='pwned'>"


def test_a_script_in_a_target_set_name_is_refused_by_the_configuration(tmp_path, record_property):
    import yaml

    from ..configs import KREIS_SOEST, write_config

    targets = yaml.safe_load((KREIS_SOEST / "targets.yaml").read_text(encoding="utf-8"))
    first = next(iter(targets))
    (tmp_path / "targets.yaml").write_text(yaml.safe_dump({HOSTILE_SET: targets[first]}, allow_unicode=True))
    cfg = write_config(tmp_path / "district.yaml", [], district={"targets": str(tmp_path / "targets.yaml")})
    result = CliRunner().invoke(main, ["run", "--no-history", "--config", str(cfg), "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 2
    assert f"target-set id(s) [{HOSTILE_SET!r}] are not ids" in result.output
    assert "Traceback" not in result.output
    _attack(record_property, 1, 1)


def test_a_script_in_a_target_set_name_creates_no_element_in_chromium(demo_run, tmp_path, record_property):
    """Even a release whose tables hold a hostile target-set name (not from a checked configuration) renders a
    report where the name is text: headless Chromium builds no <img> from it and no page lands outside report/."""
    import shutil
    import subprocess

    import pandas as pd

    from warehouse.report import render_report

    from .test_report_browser import CHROMIUM, FLAGS

    if CHROMIUM is None:
        import pytest

        pytest.skip("chromium is not installed (apt-get install chromium)")
    release = tmp_path / "release"
    shutil.copytree(demo_run["release_2"], release, ignore=shutil.ignore_patterns("report"))
    for table in ("targets", "indicators"):
        path = release / f"{table}.parquet"
        path.chmod(0o644)
        frame = pd.read_parquet(path)
        first = frame["target_set"] == frame["target_set"].iloc[0]
        frame["target_set"] = frame["target_set"].where(~first, HOSTILE_SET)
        if "target_set_title_de" in frame:  # the heading the report shows
            frame["target_set_title_de"] = frame["target_set_title_de"].where(~first, HOSTILE_SET)
        frame.to_parquet(path)
    pages = render_report(release, "Kreis Soest", "05974000", synthetic=True)
    assert all(p.parent in (release / "report", release / "report" / "daten") for p in pages)  # pages, CSV files
    dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                          (release / "report" / "index.html").as_uri()], capture_output=True, text=True,
                         timeout=60).stdout
    assert "<h2>kreistag'&gt;&lt;img" in dom  # shown as text
    assert "<img" not in dom and "pwned" not in dom.split("<title>")[1].split("</title>")[0]
    _attack(record_property, 1, 1)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_sql_cannot_write_or_read_outside_the_release(demo_run, tmp_path, record_property):
    """Each way a query could write (COPY into the release, into landing, elsewhere; EXPORT; ATTACH read-write;
    CREATE; SET that reopens access; INSTALL/LOAD of extensions) and each read outside the release (/etc/passwd,
    /proc/self/environ, the internal warehouse with per-building figures, the landing zone) is refused with a
    clear message; the release and the landing zone are unchanged and no file appears."""
    from warehouse.release import verify_release

    data, release = demo_run["data"], demo_run["release_2"]
    landed = next(p for p in (data / "landing").rglob("*.csv"))
    internal = data / "warehouse" / "raw_facility_db__buildings.parquet"
    assert internal.exists()
    (tmp_path / "attack").mkdir()
    out = tmp_path / "attack" / "out"
    attacks = {
        "COPY (SELECT 1 AS ags) TO 'population.parquet' (FORMAT parquet)": "COPY statements are not run",
        f"COPY (SELECT 1) TO '{release}/municipalities.parquet' (FORMAT parquet)": "COPY statements are not run",
        f"COPY (SELECT 'x') TO '{landed}' (FORMAT csv)": "COPY statements are not run",
        f"COPY (SELECT 1) TO '{out}.csv'": "COPY statements are not run",
        f"SELECT 1; COPY (SELECT 1) TO '{out}.csv'": "COPY statements are not run",
        f"EXPORT DATABASE '{out}'": "EXPORT statements are not run",
        f"ATTACH '{out}.duckdb' AS mine (READ_WRITE)": "ATTACH statements are not run",
        "CREATE TABLE mine AS SELECT * FROM population": "CREATE statements are not run",
        "SET enable_external_access = true": "SET statements are not run",
        "INSTALL httpfs": "LOAD statements are not run",
        "LOAD httpfs": "LOAD statements are not run",
        "PRAGMA enable_profiling": "PRAGMA statements are not run",
        "SELECT * FROM read_csv('/etc/passwd', sep = ':')": "Permission Error",
        "SELECT * FROM read_text('/proc/self/environ')": "Permission Error",
        f"SELECT * FROM read_parquet('{internal}')": "Permission Error",
        "SELECT * FROM read_parquet('../../warehouse/raw_facility_db__buildings.parquet')": "Permission Error",
        f"SELECT * FROM read_text('{landed}')": "Permission Error",
        "SELECT * FROM glob('/etc/*')": "Permission Error",
    }
    before_release, before_landing = _snapshot(release), _snapshot(data / "landing")
    refused = 0
    for query, expected in attacks.items():
        result = CliRunner().invoke(main, ["sql", "--data-dir", str(data), query])
        assert result.exit_code == 2, (query, result.output)
        assert expected in result.output and "Traceback" not in result.output, (query, result.output)
        refused += 1
    assert _snapshot(release) == before_release and _snapshot(data / "landing") == before_landing
    assert not list((tmp_path / "attack").iterdir())
    verify_release(release)
    assert all(not os.access(p, os.W_OK) or os.geteuid() == 0 for p in release.glob("*.parquet"))
    assert all(p.stat().st_mode & 0o222 == 0 for p in release.rglob("*") if p.is_file())  # read-only on disk
    ok = CliRunner().invoke(main, ["sql", "--data-dir", str(data), "--csv", "SELECT count(*) AS n FROM population"])
    assert ok.exit_code == 0 and ok.output.startswith("n\n"), ok.output
    _attack(record_property, len(attacks), refused)


def test_sql_scratch_database_takes_the_analysts_tables_only(demo_run, tmp_path, record_property):
    data, release = demo_run["data"], demo_run["release_2"]
    (tmp_path / "analyst").mkdir()
    scratch = tmp_path / "analyst" / "mine.duckdb"
    before = _snapshot(release)
    made = CliRunner().invoke(main, ["sql", "--data-dir", str(data), "--scratch", str(scratch),
                                     "CREATE TABLE pop AS SELECT ags, year, population FROM population"])
    assert made.exit_code == 0, made.output
    read = CliRunner().invoke(main, ["sql", "--data-dir", str(data), "--scratch", str(scratch), "--csv",
                                     "SELECT count(*) AS n FROM pop JOIN municipalities USING (ags)"])
    assert read.exit_code == 0 and int(read.output.splitlines()[1]) > 0, read.output
    attacks = {"DROP VIEW release.population": "read-only",
               "CREATE TABLE release.mine AS SELECT 1": "read-only",
               f"COPY pop TO '{tmp_path / 'analyst' / 'pop.csv'}'": "COPY statements are not run",
               "SELECT * FROM read_csv('/etc/passwd')": "Permission Error"}
    for query, expected in attacks.items():
        result = CliRunner().invoke(main, ["sql", "--data-dir", str(data), "--scratch", str(scratch), query])
        assert result.exit_code == 2 and expected in result.output, (query, result.output)
    inside = CliRunner().invoke(main, ["sql", "--data-dir", str(data), "--scratch", str(release / "x.duckdb"),
                                       "SELECT 1"])
    assert inside.exit_code == 2 and "would lie inside the release" in inside.output
    assert _snapshot(release) == before and sorted(p.name for p in scratch.parent.iterdir()) == ["mine.duckdb"]
    _attack(record_property, len(attacks) + 1, len(attacks) + 1)


MEMORY_CAP = 2**30  # address space of the child process running the real command


def _validate_capped(cfg: Path, source: str, path: Path) -> subprocess.CompletedProcess:
    """`klimamonitor validate` on one file in a child process limited to MEMORY_CAP of address space (RLIMIT_AS):
    a parser that grows with the file dies with MemoryError instead of rejecting it."""
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    return subprocess.run([sys.executable, "-m", "pipelines.cli", "validate", "--config", str(cfg), "--source", source,
                           str(path)], cwd=ROOT, capture_output=True, text=True, preexec_fn=cap, timeout=600,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})


def _bomb_config(tmp_path: Path) -> Path:
    from ..configs import write_config

    grid = {"id": "grid", "partner": "Westnetz", "connector": "file_drop", "location": str(tmp_path),
            "format": "grid_sheet", "options": {"carrier": "electricity", "encoding": "cp1252"}}
    bulk = {"id": "mastr_bulk", "partner": "Bundesnetzagentur", "connector": "file_drop", "location": str(tmp_path),
            "format": "mastr_xml"}
    interval = {"id": "lastgang", "partner": "Kreis Soest", "connector": "file_drop", "location": str(tmp_path),
                "format": "interval_csv", "options": {"max_uncompressed_bytes": 64 * 2**20}}
    slow = {**interval, "id": "lastgang_slow", "options": {"max_decompress_seconds": 0}}
    return write_config(tmp_path / "district.yaml", [grid, bulk, interval, slow])


def _write_repeated(path: Path, head: bytes, filler: bytes, count: int, tail: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(head)
        for _ in range(count):
            fh.write(filler)
        fh.write(tail)


def test_memory_bombs_are_refused_under_a_1_gb_cap(tmp_path, record_property):
    """A one-line 200 MB grid CSV (refused unread: above the format's cap), a one-line 60 MB one (under that cap:
    refused by the cap on line length before it is split), a 4 MB zip of the Marktstammdatenregister bulk format
    whose root element is padded with 4 GiB of spaces (refused by the cap on element text) and gzip bombs of
    interval data (refused by the cap on unpacked size, and by the time budget) — each with a clear rejection from
    the real command in a child process whose memory is capped at 1 GB."""
    import gzip
    import zipfile

    cfg = _bomb_config(tmp_path)
    cells = b"1.234;" * (2**20 // 6)
    _write_repeated(tmp_path / "Netzabsatz_200MB.csv", b"Netzbetreiber;", cells, 200, b"\n")
    _write_repeated(tmp_path / "Netzabsatz_60MB.csv", b"Netzbetreiber;", cells, 60, b"\n")
    bomb = tmp_path / "Gesamtdatenexport_20251201.zip"
    spaces = b" " * 2**20
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("EinheitenSolar_1.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0" encoding="utf-8"?><EinheitenSolar>')
            for _ in range(4 * 1024):
                member.write(spaces)
            member.write(b"</EinheitenSolar>")
    assert bomb.stat().st_size < 8 * 2**20
    header = b"meter_id,building_id,carrier,timestamp,value,kind\n"
    with gzip.open(tmp_path / "lastgang_bomb.csv.gz", "wb", compresslevel=9) as fh:
        fh.write(header)
        for _ in range(256):
            fh.write(b"\n" * 2**20)
    assert (tmp_path / "lastgang_bomb.csv.gz").stat().st_size < 2**20
    (tmp_path / "lastgang_langsam.csv.gz").write_bytes(gzip.compress(header + b"m1,b1,electricity,"
                                                                     b"2024-01-01T00:00+01:00,1,consumption\n"))
    cases = [
        ("grid", "Netzabsatz_200MB.csv", "more than the 67,108,864 allowed for raw_grid_sheet__energy (options.max_bytes); "
                                         "it was not read"),
        ("grid", "Netzabsatz_60MB.csv", "line 1 is longer than 1,048,576 bytes (the cap on line length"),
        ("mastr_bulk", bomb.name, "holds more than 1,048,576 characters of text (the cap on element text"),
        ("lastgang", "lastgang_bomb.csv.gz", "unpack(s) to more than 67,108,864 bytes (the cap on unpacked size"),
        ("lastgang_slow", "lastgang_langsam.csv.gz", "unpacking took longer than 0 s (the time budget"),
    ]
    refused = 0
    for source, name, expected in cases:
        result = _validate_capped(cfg, source, tmp_path / name)
        assert result.returncode == 1, (name, result.stdout[-2000:], result.stderr[-2000:])
        assert "REJECTED: the file cannot be read." in result.stdout, (name, result.stdout)
        assert expected in result.stdout, (name, result.stdout)
        assert "Traceback" not in result.stdout + result.stderr and "MemoryError" not in result.stderr
        refused += 1
    record_property("figure:faults injected", len(cases))
    _attack(record_property, len(cases), refused)


def test_a_full_disk_ends_in_the_summary_and_the_notification(tmp_path, webhook, record_property):
    """The disk fills up under Dagster's own run storage (a file-size limit, `ulimit -f`, in a child process: SQLite
    then fails with a disk I/O error): the run ends like any failed run — a summary naming the cause, the run
    record, a notification received by a real webhook, exit 1 — and no Python traceback."""
    import signal

    cfg = _district(tmp_path)
    data = tmp_path / "data"

    def limited():
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) as on a full disk

    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--config", str(cfg), "--data-dir",
                             str(data)], cwd=ROOT, capture_output=True, text=True, preexec_fn=limited, timeout=600,
                            env={**os.environ, "KLIMAMONITOR_WEBHOOK_URL": webhook})
    assert result.returncode == 1, result.stdout[-3000:]
    assert "Summary" in result.stdout and "the run stopped: writing under" in result.stdout, result.stdout[-3000:]
    assert "the disk is full, a file-size limit was reached" in result.stdout
    assert "notification: webhook http://127.0.0.1" in result.stdout and len(Webhook.received) == 1
    assert b"the disk is full" in Webhook.received[0]
    assert "Traceback" not in result.stdout + result.stderr
    record_property("figure:faults injected", 1)
    record_property("figure:file-size faults injected", 1)
