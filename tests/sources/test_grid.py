"""Grid operators' sheets: the real shape with header block, German numbers, marks, footnotes, gas calorific basis."""

import pandas as pd
import pytest

from sources.errors import LayoutError, UnitError
from sources.parsers.grid import parse_grid_sheet

from .helpers import REGION, delivery

GROUPS = {"customer_groups": {"SLP Haushalt": "households", "Wärmepumpe": {"sector": "households", "heat_pump": True},
                              "RLM Industrie": "industry"}}  # fmt: skip

ELECTRICITY = (
    "Netzbetreiber: Westnetz GmbH\r\n"
    "Netzabsatz Strom nach Gemeinden und Kundengruppen\r\n"
    "Berichtsjahr: 2021\r\n"
    "Stand: 15.03.2022 (vorläufig)\r\n"
    "Einheit: kWh\r\n"
    "\r\n"
    "Gemeindeschlüssel;Gemeinde;Kundengruppe;Zählpunkte;Energiemenge\r\n"
    "05974004;Anröchte;SLP Haushalt;5.449;16.833.076\r\n"          # row 8
    "05974004;Anröchte;Wärmepumpe;41;427.003,5\r\n"
    "05974048;Welver;RLM Industrie;2;•\r\n"                          # row 10: confidential
    "05974016;Erwitte, Stadt;RLM Industrie;14;-\r\n"                 # row 11: no value
    "05958004;Arnsberg, Stadt;SLP Haushalt;36.000;60.000.000\r\n"    # row 12: outside the region
    "\r\n"
    "1) Zählpunkte: Anzahl der Marktlokationen am 31.12.\r\n"
    "• = aus Datenschutzgründen nicht ausgewiesen\r\n"
    "Quelle: Westnetz GmbH\r\n"
)


def _parse(text, options=None, mappings=GROUPS, name="Netzabsatz_Strom_2021.csv"):
    opts = {"carrier": "electricity", **(options or {})}
    return parse_grid_sheet(delivery(text, name, "cp1252"), opts, mappings, REGION)


def test_electricity_sheet_values_statuses_and_lineage():
    result = _parse(ELECTRICITY)
    rows = result.rows.set_index("source_row")
    assert list(rows.index) == [8, 9, 10, 11]
    assert rows.loc[8, "delivered_mwh"] == pytest.approx(16833.076)
    assert rows.loc[9, "delivered_mwh"] == pytest.approx(427.0035)
    assert rows.loc[8, "consumers"] == 5449 and rows.loc[8, "year"] == 2021 and rows.loc[8, "ags"] == "05974004"
    assert rows.loc[10, "value_status"] == "confidential" and pd.isna(rows.loc[10, "delivered_mwh"])
    assert rows.loc[11, "value_status"] == "missing" and pd.isna(rows.loc[11, "delivered_mwh"])
    assert rows["provisional"].all()
    assert rows["calorific_basis"].isna().all()
    assert (rows["delivery_id"] == "src:0123456789abcdef").all()
    (filtered,) = result.findings
    assert filtered.kind == "filtered" and filtered.source_row == 12 and "outside the configured region" in filtered.reason


def test_gas_needs_and_keeps_the_calorific_basis():
    gas = ELECTRICITY.replace("Einheit: kWh\r\n", "Einheit: kWh\r\nBrennwertbezug: Hs\r\n").replace("(vorläufig)", "")
    result = _parse(gas, {"carrier": "natural_gas"})
    assert set(result.rows["calorific_basis"]) == {"Hs"}
    assert not result.rows["provisional"].any()
    assert result.rows.loc[result.rows["source_row"] == 9, "delivered_mwh"].item() == pytest.approx(16833.076)
    without = ELECTRICITY
    with pytest.raises(LayoutError, match=r"gross \(Hs\) or net \(Hi\)"):
        _parse(without, {"carrier": "natural_gas"})


def test_gas_sheet_states_its_own_hi_hs_ratio():
    gas = ELECTRICITY.replace("Einheit: kWh\r\n", "Einheit: kWh\r\nBrennwertbezug: Hs\r\nHi/Hs: 0,895\r\n")
    result = _parse(gas, {"carrier": "natural_gas"})
    assert set(result.rows["hi_per_hs"]) == {0.895}
    assert _parse(ELECTRICITY.replace("Einheit: kWh\r\n", "Einheit: kWh\r\nBrennwertbezug: Hs\r\n"),
                  {"carrier": "natural_gas"}).rows["hi_per_hs"].isna().all()  # none stated: the default applies
    assert set(_parse(gas, {"carrier": "natural_gas", "hi_per_hs": 0.9}).rows["hi_per_hs"]) == {0.9}
    with pytest.raises(LayoutError, match="between 0.5 and 1"):
        _parse(gas.replace("0,895", "1,11"), {"carrier": "natural_gas"})


def test_row_findings_name_row_column_and_expectation():
    text = ELECTRICITY.replace("05974004;Anröchte;Wärmepumpe;41;427.003,5", "05974004;Anröchte;Wärmepumpe;41;4x7")
    text = text.replace("05974048;Welver;RLM Industrie;2;•", "05974048;Welver;Nachtstrom;2;100")
    text = text.replace("05974016;Erwitte, Stadt;RLM Industrie;14;-", "0597401X;Erwitte, Stadt;RLM Industrie;14;5")
    result = _parse(text)
    reasons = {f.source_row: f.reason for f in result.findings if f.kind == "rejected"}
    assert "row 9, column 'Energiemenge': '4x7' is not a number; expected a number in German format" in reasons[9]
    assert "row 10, column 'Kundengruppe': customer group 'Nachtstrom' is not mapped" in reasons[10]
    assert "row 11, column 'Gemeindeschlüssel': '0597401X' is not a valid municipality key" in reasons[11]
    assert list(result.rows["source_row"]) == [8]


def test_kwh_declared_as_mwh_is_caught_by_magnitude():
    with pytest.raises(UnitError, match="look like kWh"):
        _parse(ELECTRICITY.replace("Einheit: kWh", "Einheit: MWh"))


def test_year_from_column_when_no_header_line():
    text = ("Gemeindeschlüssel;Jahr;Kundengruppe;Energiemenge\n05974004;2019;SLP Haushalt;1.000\n"
            "05974004;2020;SLP Haushalt;1.100\n")
    result = _parse(text, {"unit": "MWh"})
    assert list(result.rows["year"]) == [2019, 2020]
    assert list(result.rows["delivered_mwh"]) == [1000.0, 1100.0]
