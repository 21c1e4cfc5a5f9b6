"""Marktstammdatenregister: the web CSV export and the bulk XML export (UTF-16, numbered files in a zip, catalog
codes), streamed with flat memory; hostile XML is refused."""

import datetime as dt
import io
import tracemalloc
import zipfile

import pandas as pd
import pytest

from sources.errors import LayoutError
from sources.parsers.common import Delivery
from sources.parsers.mastr import parse_mastr_csv, parse_mastr_xml

from .helpers import REGION

CSV = (
    "\ufeffMaStR-Nr. der Einheit;Anzeige-Name der Einheit;Betriebs-Status;Energieträger;Bruttoleistung der Einheit;"
    "Nettonennleistung der Einheit;Inbetriebnahmedatum der Einheit;Datum der endgültigen Stilllegung;"
    "Gemeindeschlüssel;MaStR-Nr. der EEG-Anlage\n"
    "SEE1;PV Dach;In Betrieb;Solare Strahlungsenergie;9,900;9,500;15.04.2012;;05974004;EEG1\n"            # 2
    "SEE2;WEA 1;Endgültig stillgelegt;Wind;1.500,000;1.500,000;01.03.2001;30.06.2023;05974016;EEG2\n"     # 3
    "SEE3;Speicher;In Betrieb;Speicher;500,000;500,000;01.03.2021;;05974016;\n"                           # 4
    "SEE4;Solarpark;In Planung;Solare Strahlungsenergie;9.800,000;9.500,000;;;05974048;\n"               # 5
    "SEE5;Nachbar;In Betrieb;Wind;4.200,000;4.000,000;01.06.2016;;05958004;EEG5\n"                        # 6
    "SEE6;BHKW;In Betrieb;Biomasse;500,000;480,000;31.02.2010;;05974048;EEG6\n"                           # 7
    "SEE7;Rad;In Betrieb;Gezeiten;10,000;10,000;01.01.2010;;05974048;\n"                                   # 8
)


def test_web_csv_export():
    result = parse_mastr_csv(Delivery("m:1", "mastr", "export.csv", CSV.encode("utf-8")), {}, {}, REGION)
    rows = result.rows.set_index("unit_id")
    assert list(rows.index) == ["SEE1", "SEE2", "SEE4"]
    assert rows.loc["SEE1", "gross_kw"] == pytest.approx(9.9) and rows.loc["SEE1", "technology"] == "solar_pv"
    assert rows.loc["SEE1", "commissioned_on"] == dt.date(2012, 4, 15) and rows.loc["SEE1", "eeg_id"] == "EEG1"
    assert rows.loc["SEE2", "unit_status"] == "closed" and rows.loc["SEE2", "decommissioned_on"] == dt.date(2023, 6, 30)
    assert rows.loc["SEE2", "gross_kw"] == 1500.0
    assert rows.loc["SEE4", "unit_status"] == "planned" and pd.isna(rows.loc["SEE4", "commissioned_on"])
    reasons = {f.source_row: f for f in result.findings}
    assert "'31.02.2010' is not a date" in reasons[7].reason and reasons[7].kind == "rejected"
    assert "energy carrier 'Gezeiten' is not mapped" in reasons[8].reason
    (outside,) = [f for f in result.findings if f.kind == "filtered"]
    assert outside.rows_affected == 1 and "outside the configured region" in outside.reason


def _unit_xml(i: int, ags: str, carrier: str = "2495", status: str = "35", end: str = "") -> str:
    return (f"<EinheitSolar><EinheitMastrNummer>SEE{i:09d}</EinheitMastrNummer><Gemeindeschluessel>{ags}"
            f"</Gemeindeschluessel><Energietraeger>{carrier}</Energietraeger><Bruttoleistung>{9.5 + i % 7}"
            f"</Bruttoleistung><Inbetriebnahmedatum>2015-05-0{1 + i % 9}</Inbetriebnahmedatum>"
            f"<EinheitBetriebsstatus>{status}</EinheitBetriebsstatus>"
            + (f"<DatumEndgueltigeStilllegung>{end}</DatumEndgueltigeStilllegung>" if end else "")
            + f"<EegMastrNummer>EEG{i:09d}</EegMastrNummer></EinheitSolar>")


def _xml(units: list[str], root: str = "EinheitenSolar") -> bytes:
    return ('<?xml version="1.0" encoding="utf-16"?>' + f"<{root}>" + "".join(units) + f"</{root.split()[0]}>"
            ).encode("utf-16")


def test_bulk_xml_with_catalog_codes():
    data = _xml([_unit_xml(1, "05974004"), _unit_xml(2, "05974016", carrier="2497", status="38", end="2022-01-31"),
                 _unit_xml(3, "09162000"), _unit_xml(4, "05974048", status="31")])
    result = parse_mastr_xml(Delivery("m:2", "mastr", "EinheitenSolar_1.xml", data), {}, {}, REGION)
    rows = result.rows.set_index("unit_id")
    assert rows.loc["SEE000000001", "technology"] == "solar_pv" and rows.loc["SEE000000001", "gross_kw"] == 10.5
    assert rows.loc["SEE000000002", "technology"] == "wind_onshore"
    assert rows.loc["SEE000000002", "decommissioned_on"] == dt.date(2022, 1, 31)
    assert rows.loc["SEE000000004", "unit_status"] == "planned"
    assert result.findings[0].rows_affected == 1  # the unit in Munich


def test_bulk_export_zip_with_numbered_files():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("EinheitenSolar_1.xml", _xml([_unit_xml(1, "05974004")]))
        archive.writestr("EinheitenSolar_2.xml", _xml([_unit_xml(2, "05974004")]))
        archive.writestr("Katalogwerte.xml", b"<Katalogwerte/>")
    delivery = Delivery("m:3", "mastr", "Gesamtdatenexport_20251201.zip", buffer.getvalue())
    result = parse_mastr_xml(delivery, {}, {}, REGION)
    assert list(result.rows["unit_id"]) == ["SEE000000001", "SEE000000002"]
    assert list(result.rows["source_row"]) == [1, 2]


def test_zip_bomb_is_refused_before_reading():
    """A member that inflates far beyond the limit (here 64 MB of zeros in a zip of a few dozen KB) is refused from
    the sizes in the archive's directory, without decompressing it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("EinheitenSolar_1.xml", b"\0" * (64 * 2**20))
    assert len(buffer.getvalue()) < 200_000
    delivery = Delivery("m:5", "mastr", "Gesamtdatenexport_20251201.zip", buffer.getvalue())
    with pytest.raises(LayoutError, match="bytes"):
        parse_mastr_xml(delivery, {"max_uncompressed_bytes": 10 * 2**20}, {}, REGION)


@pytest.mark.parametrize(
    "data, fragment",
    [
        (_xml([_unit_xml(1, "05974004")], root='EinheitenSolar xmlns="urn:example"'), "XML namespace"),
        (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
         b"<EinheitenSolar>&b;</EinheitenSolar>", "forbidden construct"),
        (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><EinheitenSolar>&x;'
         b"</EinheitenSolar>", "forbidden construct"),
        ("<EinheitenSolar><EinheitSolar><EinheitMastrNummer>SEE1".encode("utf-16"), "not well-formed"),
        (('<?xml version="1.0"?><!DOCTYPE EinheitenSolar SYSTEM "http://127.0.0.1:1/mastr.dtd"><EinheitenSolar>'
          + _unit_xml(1, "05974004") + "</EinheitenSolar>").encode(), "forbidden construct"),
        (('<?xml version="1.0"?><!DOCTYPE EinheitenSolar []><EinheitenSolar>' + _unit_xml(1, "05974004")
          + "</EinheitenSolar>").encode(), "forbidden construct"),
        (b"<EinheitenSolar><EinheitSolar><EinheitMastrNummer>SEE1" + b"9" * (2 * 2**20)
         + b"</EinheitMastrNummer></EinheitSolar></EinheitenSolar>", "more than 1,048,576 characters of text"),
    ],
    ids=["namespace", "entity-expansion", "external-entity", "truncated", "external-dtd", "internal-dtd",
         "huge-element-text"],
)
def test_hostile_or_broken_xml_is_refused(data, fragment):
    with pytest.raises(LayoutError, match=fragment):
        parse_mastr_xml(Delivery("m:4", "mastr", "EinheitenSolar_1.xml", data), {}, {}, REGION)


def _write_export(path, units: int) -> None:
    inside = {0: "05974004", 1: "05974016", 2: "05974048"}
    with open(path, "wb") as fh:
        fh.write('<?xml version="1.0" encoding="utf-16"?><EinheitenSolar>'.encode("utf-16"))
        chunk = []
        for i in range(units):
            ags = inside[i % 3] if i % 100 == 0 else "09162000"  # 1 % inside the region
            chunk.append(_unit_xml(i, ags))
            if len(chunk) == 5000:
                fh.write("".join(chunk).encode("utf-16-le"))
                chunk = []
        fh.write(("".join(chunk) + "</EinheitenSolar>").encode("utf-16-le"))


def _peak_memory(path) -> tuple[int, int]:
    tracemalloc.start()
    result = parse_mastr_xml(Delivery("m:5", "mastr", path.name, path=path), {}, {}, REGION)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, len(result.rows)


def test_bulk_xml_memory_stays_flat_as_the_file_grows(tmp_path):
    small, large = tmp_path / "EinheitenSolar_1.xml", tmp_path / "EinheitenSolar_2.xml"
    # tracemalloc slows the parser about tenfold: 20,000 units (where the reader's buffers are full, peak about
    # 8 MB) and five times as many keep the test short
    _write_export(small, 20_000)
    _write_export(large, 100_000)
    peak_small, rows_small = _peak_memory(small)
    peak_large, rows_large = _peak_memory(large)
    assert (rows_small, rows_large) == (200, 1000)
    assert large.stat().st_size > 4.5 * small.stat().st_size
    # five times the units (and the file), but the peak grows only by the kept in-region rows
    assert peak_large < 1.5 * peak_small, (peak_small, peak_large)
    assert peak_large < 40_000_000


STREAMED = ("Stand: 2024\n\nMaStR-Nr. der Einheit;Anzeige-Name der Einheit;Betriebs-Status;Energieträger;"
            "Bruttoleistung der Einheit;Nettonennleistung der Einheit;Inbetriebnahmedatum der Einheit;Datum der "
            "endgültigen Stilllegung;Gemeindeschlüssel\n"
            "SEE1;PV;In Betrieb;Solare Strahlungsenergie;9,9;9,5;01.02.2010;;05974004\n"      # 4
            "\n"                                                                                # 5 blank
            "SEE2;PV;In Betrieb;Solare Strahlungsenergie;1.234,5;;2011-03-04;;05974016\n"       # 6
            "SEE3;PV;In Betrieb;Solare Strahlungsenergie;abc;9,5;01.02.2010;;05974016\n"       # 7 not a number
            "SEE4;PV;In Betrieb\n"                                                              # 8 short row
            "SEE5;Akku;In Betrieb;Speicher;1;1;01.02.2010;;05974016\n"                         # 9 storage
            "SEE6;WEA;In Betrieb;Wind;1;1;31.02.2010;;05974016\n"                              # 10 no such date
            "SEE7;WEA;In Planung;Wind;1;1;;;05974016\n"                                        # 11 planned, undated
            "SEE8;WEA;In Betrieb;Wind;1;1;01.01.2000;;09162000\n"                              # 12 outside
            "SEE9;WEA;In Betrieb;Wind;1;1;01.01.2000;;05974099\n"                              # 13 unknown key
            "SEE10;WEA;Kaputt;Wind;1;1;01.01.2000;;05974004\n")                                # 14 unknown status


def test_a_large_export_is_read_in_column_batches_with_the_same_rows_and_findings():
    """Above options.stream_from_bytes the web export is read by pyarrow in batches; rows, line numbers and
    findings are those of the line-by-line reader (here forced with a threshold of 0 bytes)."""
    data = STREAMED.encode("utf-8-sig")
    lined = parse_mastr_csv(Delivery("m:1", "m", "E.csv", data), {}, {}, REGION)
    streamed = parse_mastr_csv(Delivery("m:1", "m", "E.csv", data), {"stream_from_bytes": 0}, {}, REGION)
    pd.testing.assert_frame_equal(lined.rows, streamed.rows)
    assert lined.rows["source_row"].tolist() == [4, 6, 11]
    assert lined.rows["gross_kw"].tolist() == [9.9, 1234.5, 1.0]

    def described(result):
        return sorted((f.source_row or 0, f.column or "", f.kind) for f in result.findings)

    assert described(lined) == described(streamed) == [
        (0, "Gemeindeschlüssel", "filtered"), (7, "Bruttoleistung der Einheit", "rejected"), (8, "", "rejected"),
        (10, "Inbetriebnahmedatum der Einheit", "rejected"), (13, "Gemeindeschlüssel", "rejected"),
        (14, "Betriebs-Status", "rejected")]
