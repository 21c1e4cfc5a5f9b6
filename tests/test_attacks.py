"""Attacks on the real commands, one per hole found when the pipeline was tried as an attacker would (issue #26):
links in a drop folder, hostile file names, script in a target-set name, memory bombs, secrets in a URL's query
string, `klimamonitor sql` writing or reading outside the release, killed runs. Each test counts its cases in the
reliability figures ("attacks tried", "attacks refused")."""

import os
from pathlib import Path

from click.testing import CliRunner

from pipelines.cli import main

from .test_fault_injection import _district

PLANTED = "PLANTED-environ-3c9d1"


def _landed_bytes(data: Path) -> list[bytes]:
    return [p.read_bytes() for p in (data / "landing").rglob("*") if p.is_file() and p.name != "register.json"]


def _attack(record_property, tried: int, refused: int) -> None:
    record_property("figure:attacks tried", tried)
    record_property("figure:attacks refused", refused)


def test_links_in_a_drop_folder_are_refused_not_landed(tmp_path, monkeypatch, record_property):
    """A link to a file outside the drop folder and one to /proc/self/environ (which holds every credential of the
    process environment): neither is copied into the landing zone; the real sheet still lands and the run succeeds."""
    monkeypatch.setenv("KLIMAMONITOR_SMTP_PASSWORD", PLANTED)
    cfg = _district(tmp_path)
    drop = tmp_path / "drop"
    outside = tmp_path / "outside.txt"
    outside.write_text(f"root:x:0:0:{PLANTED}\n")
    (drop / "passwd.csv").symlink_to(outside)
    (drop / "environ.csv").symlink_to("/proc/self/environ")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.csv").write_text(PLANTED)
    data = tmp_path / "data"
    result = CliRunner().invoke(main, ["run", "--no-history", "--config", str(cfg), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    for name in ("passwd.csv", "environ.csv"):
        assert f"file {name!r} was refused and not read: it is a symbolic link" in result.output
    landed = _landed_bytes(data)
    assert len(landed) == 3  # the two sheets and the emission factors
    assert not [b for b in landed if PLANTED.encode() in b]
    _attack(record_property, 2, 2)


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

    from .configs import KREIS_SOEST, write_config

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
        frame["target_set"] = frame["target_set"].where(frame["target_set"] != frame["target_set"].iloc[0], HOSTILE_SET)
        frame.to_parquet(path)
    pages = render_report(release, "Kreis Soest", "05974000", synthetic=True)
    assert all(p.parent == release / "report" for p in pages)
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
    internal = data / "warehouse" / "raw_facility__buildings.parquet"
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
        "SELECT * FROM read_parquet('../../warehouse/raw_facility__buildings.parquet')": "Permission Error",
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
