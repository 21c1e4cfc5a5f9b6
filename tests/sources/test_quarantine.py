"""One bad row never rejects a register (issue #21, Done when): rows with findings are quarantined with their reason,
the delivery is rejected only for structural problems or above the source's threshold; identical duplicates keep one
copy; the bulk export's catalog codes come from its own Katalogwerte.xml."""

import io
import zipfile

import pandas as pd

from assets.compute.deliveries import delivery_table
from assets.raw import findings_frame
from sources.parsers.common import Delivery
from sources.parsers.mastr import parse_mastr_csv, parse_mastr_xml
from sources.quarantine import Threshold, result_verdict, threshold_for

from .helpers import REGION

HEADER = ('"MaStR-Nr. der Einheit";"Betriebs-Status";"Energieträger";"Bruttoleistung der Einheit";'
          '"Inbetriebnahmedatum der Einheit";"Gemeindeschlüssel"\n')


def _unit(i: int, capacity: str = "9,9") -> str:
    return f'"SEE{i:03d}";"In Betrieb";"Solare Strahlungsenergie";"{capacity}";"4/{13 + i % 15}/2019";"05974004"\n'


def _export(lines: list[str]) -> Delivery:
    return Delivery("mastr:1", "mastr", "export.csv", (HEADER + "".join(lines)).encode("utf-8"))


def _register(delivery: Delivery) -> pd.DataFrame:
    return pd.DataFrame([{"delivery_id": delivery.delivery_id, "source_id": delivery.source_id, "partner": "BNetzA",
                          "file_name": delivery.file_name, "landed_path": "landing/x", "sha256": "0" * 64,
                          "size_bytes": 1, "received_at": "2026-01-01T00:00:00+00:00"}])


def test_eleven_units_one_without_capacity_and_a_duplicate_line_accepted_with_two_quarantined():
    lines = [_unit(i) for i in range(1, 11)] + [_unit(11, capacity="")]
    lines.insert(3, lines[2])  # line 5 repeats line 4 (unit SEE003) byte for byte
    delivery = _export(lines)
    result = parse_mastr_csv(delivery, {}, {}, REGION)
    assert len(result.rows) == 10 and sorted(set(result.rows["unit_id"])) == [f"SEE{i:03d}" for i in range(1, 11)]
    quarantined = [f for f in result.findings if f.kind == "rejected"]
    assert len(quarantined) == 2
    by_row = {f.source_row: f for f in quarantined}
    assert "repeats row 4" in by_row[5].reason and "one copy was kept" in by_row[5].reason
    assert "capacity is missing" in by_row[13].reason and "unit SEE011" in by_row[13].reason
    assert by_row[13].column == "Bruttoleistung der Einheit"
    assert result_verdict(len(result.rows), result.findings, Threshold()) is None
    table = delivery_table(_register(delivery), {"raw_mastr_csv__units": result.rows},
                           {"raw_mastr_csv__units": findings_frame(result.findings)})
    assert table.loc[0, "status"] == "accepted" and table.loc[0, "rows_rejected"] == 2
    assert table.loc[0, "rows_parsed"] == 10


def test_ten_percent_of_200_rows_bad_is_rejected_naming_the_threshold():
    lines = [_unit(i, capacity="" if i % 10 == 0 else "5,0") for i in range(1, 201)]
    delivery = _export(lines)
    result = parse_mastr_csv(delivery, {}, {}, REGION)
    assert len(result.rows) == 180
    reason = result_verdict(len(result.rows), result.findings, Threshold())
    assert reason.startswith("20 of 200 rows were quarantined, above the source's threshold (more than 1% of the rows "
                             "and more than 5 rows; options.quarantine)")
    table = delivery_table(_register(delivery), {"raw_mastr_csv__units": result.rows},
                           {"raw_mastr_csv__units": findings_frame(result.findings)})
    reason = table.loc[0, "status_reason"]
    assert table.loc[0, "status"] == "rejected" and "above the source's threshold" in reason
    # every class of finding with its count, not "and 19 more findings"
    assert "20× column 'Bruttoleistung der Einheit': the gross capacity is missing or negative (unit SEE…)" in reason
    # a source may allow more: 10 % and 25 rows
    lenient = threshold_for({"quarantine": {"max_share": 0.1, "max_rows": 25}})
    assert result_verdict(len(result.rows), result.findings, lenient) is None


def test_conflicting_duplicates_are_quarantined_both():
    lines = [_unit(i) for i in range(1, 8)] + [_unit(3, capacity="12,0")]
    result = parse_mastr_csv(_export(lines), {}, {}, REGION)
    assert "SEE003" not in set(result.rows["unit_id"]) and len(result.rows) == 6
    conflicts = [f for f in result.findings if "none was taken" in f.reason]
    assert sorted(f.source_row for f in conflicts) == [4, 9]


def _catalog(values: dict[str, str]) -> bytes:
    items = "".join(f"<Katalogwert><Id>{k}</Id><Wert>{v}</Wert><KatalogKategorieId>1</KatalogKategorieId>"
                    "</Katalogwert>" for k, v in values.items())
    return f'<?xml version="1.0" encoding="utf-16"?><Katalogwerte>{items}</Katalogwerte>'.encode("utf-16")


def _unit_xml(i: int, carrier: str, status: str, capacity: str = "9.9") -> str:
    return (f"<EinheitSolar><EinheitMastrNummer>SEE{i:09d}</EinheitMastrNummer><Gemeindeschluessel>05974004"
            f"</Gemeindeschluessel><Energietraeger>{carrier}</Energietraeger>"
            + (f"<Bruttoleistung>{capacity}</Bruttoleistung>" if capacity else "")
            + f"<Inbetriebnahmedatum>2015-05-01</Inbetriebnahmedatum><EinheitBetriebsstatus>{status}"
            "</EinheitBetriebsstatus></EinheitSolar>")


def test_bulk_export_read_through_its_own_katalogwerte():
    units = [_unit_xml(1, "7001", "7035"), _unit_xml(2, "7002", "7035"), _unit_xml(3, "7001", "7038"),
             _unit_xml(4, "7003", "7035"), _unit_xml(5, "7001", "7035", capacity="")]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Katalogwerte.xml", _catalog({"7001": "Solare Strahlungsenergie", "7002": "Wind",
                                                       "7003": "Speicher", "7035": "In Betrieb",
                                                       "7038": "Endgültig stillgelegt"}))
        archive.writestr("EinheitenSolar_1.xml", ('<?xml version="1.0" encoding="utf-16"?><EinheitenSolar>'
                                                  + "".join(units) + "</EinheitenSolar>").encode("utf-16"))
    delivery = Delivery("m:9", "mastr", "Gesamtdatenexport_20261201.zip", buffer.getvalue())
    result = parse_mastr_xml(delivery, {}, {}, REGION)
    rows = result.rows.set_index("unit_id")
    assert rows.loc["SEE000000001", "technology"] == "solar_pv" and rows.loc["SEE000000001", "unit_status"] == "operating"
    assert rows.loc["SEE000000002", "technology"] == "wind_onshore"
    assert rows.loc["SEE000000003", "unit_status"] == "closed"
    assert "SEE000000004" not in rows.index  # storage, by its catalog name
    (missing,) = [f for f in result.findings if f.kind == "rejected"]
    assert "unit SEE000000005 in EinheitenSolar_1.xml" in missing.reason
