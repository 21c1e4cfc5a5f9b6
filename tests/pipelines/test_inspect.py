"""`klimamonitor inspect` names the format of every real file in tests/fixtures/real/ (recognised by content)."""

from pathlib import Path

import yaml
from click.testing import CliRunner

from pipelines.cli import main
from sources.formats import read_delivery
from sources.parsers.common import Delivery
from sources.parsers.tidy import TIDY_SPECS, layout_problems
from sources.region import Region

SOEST = Region("05974000", frozenset(f"05974{n:03d}" for n in range(4, 57, 4)))  # the default config's region
REAL = Path(__file__).parents[1] / "fixtures" / "real"
FORMATS = {
    "itnrw/12411-15i.csv": "genesis_population",
    "regionalstatistik/12411-01-01-4.csv": "genesis_population",
    "regionalstatistik/12411-01-01-5_00.csv": "genesis_population",
    "regionalstatistik/46251-01-02-4_00.csv": "genesis_table",
    "regionalstatistik/43531-01-02-4_00.csv": "genesis_table",
    "regionalstatistik/31231-01-02-5_00.csv": "genesis_table",
    "regionalstatistik/31211-01-01-4.xlsx": "genesis_table",
    "destatis_genesis/12613-0013_de_flat.csv": "genesis_table",
    "mastr/mastr-sample-ags-147-2014f.csv": "mastr_csv",
    "mastr/wec_sachsen_20231022.csv": "mastr_csv",
    "dwd/gradtage_201001.csv": "dwd_degree_days",
    "dwd/gradtage_201501.csv": "dwd_degree_days",
    "dwd/gradtage_202001.csv": "dwd_degree_days",
    "kba/fz3_2021.xlsx": "kba_fz3",
    "destatis/GV100AD_311217.ASC": "gv100ad",
    "destatis/31122023_Auszug_GV.xlsx": "auszug_gv",
    "destatis/Gebietsaenderungen_2023.xlsx": "territorial_changes",
    "destatis/Destatis.AGS.Historie_2021-12-31.json": "ags_history",
}


def test_every_real_file_is_named_and_readable():
    files = sorted(str(p.relative_to(REAL)) for p in REAL.rglob("*") if p.is_file() and p.name != "README.md")
    assert files == sorted(FORMATS)  # a new real file needs its expected format here
    result = CliRunner().invoke(main, ["inspect", *[str(REAL / f) for f in files]])
    assert result.exit_code == 0, result.output
    blocks = result.output.split(str(REAL) + "/")[1:]
    named = {block.splitlines()[0]: next(line.split(": ", 1)[1] for line in block.splitlines()
                                         if line.startswith("  format: ")) for block in blocks}
    assert named == FORMATS
    assert result.output.startswith("region: Kreis Soest (05974000), from ")  # which region it read them for
    assert "rows read in the region (05974000): 15" in blocks[files.index("kba/fz3_2021.xlsx")]
    kba = _snippet_source(blocks[files.index("kba/fz3_2021.xlsx")])
    assert kba["origin"] == "real_public" and kba["options"] == {"pattern": "*.xlsx"}
    # a statistics table keeps the levels above the region for comparison, and inspect counts them apart
    assert "of the levels above it, for comparison" in blocks[files.index("regionalstatistik/46251-01-02-4_00.csv")]


def test_an_unknown_file_is_not_readable(tmp_path):
    odd = tmp_path / "notes.txt"
    odd.write_text("a;b\n1;2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["inspect", str(odd)])
    assert result.exit_code == 1 and "none of klimamonitor's formats fits" in result.output


def _inspect(path: Path):
    return CliRunner().invoke(main, ["inspect", str(path)])


def _snippet_source(output: str) -> dict:
    """The source of the configuration snippet inspect printed, as YAML."""
    text = output.split("configuration for a source delivering this file:\n", 1)[1]
    return yaml.safe_load("\n".join(line[4:] for line in text.splitlines()))["sources"][0]


PARTNER_FINAL_ENERGY = ("Gemeindeschlüssel;Bilanzjahr;Verbrauchssektor;Energieträger;Endenergie [MWh];Datengüte\n"
                        "05974028;2021;Private Haushalte;Strom;12345,5;A\n"
                        "05974028;2021;GHD;Erdgas;500;B\n"
                        "05974028;2021;Landwirtschaft;Strom;25;B\n"
                        "05974040;2021;Industrie;Erdgas;5,25;C\n")


def test_a_partner_table_gets_the_tidy_layout_its_headers_and_words(tmp_path):
    path = tmp_path / "Endenergie_Soest.csv"
    path.write_text(PARTNER_FINAL_ENERGY, encoding="utf-8")
    result = _inspect(path)
    assert result.exit_code == 0, result.output
    assert "  format: final_energy (a tidy layout of klimamonitor" in result.output
    source = _snippet_source(result.output)
    assert source["format"] == "final_energy"
    assert source["options"] == {
        "pattern": "*.csv", "separator": ";", "decimal": ",",
        "columns": {"ags": "Gemeindeschlüssel", "year": "Bilanzjahr", "sector": "Verbrauchssektor",
                    "carrier": "Energieträger", "final_energy_mwh": "Endenergie [MWh]", "data_quality": "Datengüte"}}
    # the report's German labels give sure codes; a word without one gets a placeholder the config check refuses
    assert source["mappings"]["carriers"] == {"Erdgas": "natural_gas", "Strom": "electricity"}
    assert source["mappings"]["sectors"]["Private Haushalte"] == "households"
    assert source["mappings"]["sectors"]["Industrie"] == "industry"
    assert source["mappings"]["sectors"]["GHD"] == "commerce"  # a usual word of one meaning (USUAL_WORDS)
    assert source["mappings"]["sectors"]["Landwirtschaft"].startswith("<one of households, commerce")
    assert "rows read in the region (05974000): 3" in result.output  # Landwirtschaft waits for its code
    assert "rejected: 1 row(s)" in result.output
    assert layout_problems(TIDY_SPECS["final_energy"], source["options"], source["mappings"])  # the placeholder

    # with the partner's code for its word (here: its farms' electricity counted as commerce), the snippet reads
    # every row as the file states it
    source["mappings"]["sectors"]["Landwirtschaft"] = "commerce"
    delivery = Delivery("d1", "partner", path.name, path.read_bytes())
    _, read = read_delivery("final_energy", source["options"], source["mappings"], SOEST, delivery)
    assert not read.findings
    assert read.rows[["ags", "sector", "carrier", "final_energy_mwh"]].values.tolist() == [
        ["05974028", "households", "electricity", 12345.5], ["05974028", "commerce", "natural_gas", 500.0],
        ["05974028", "commerce", "electricity", 25.0], ["05974040", "industry", "natural_gas", 5.25]]


def test_a_table_in_a_tidy_layout_is_recognised_and_takes_the_year_from_its_name(tmp_path):
    own = tmp_path / "fe.csv"
    own.write_text("ags,year,sector,carrier,final_energy_mwh,data_quality\n05974028,2021,households,electricity,"
                   "12.5,A\n", encoding="utf-8")
    result = _inspect(own)
    assert result.exit_code == 0, result.output
    assert "is: a table in klimamonitor's tidy layout final_energy" in result.output
    assert "columns" not in _snippet_source(result.output)["options"]

    named = tmp_path / "Solarthermie_2021.csv"
    named.write_text("AGS;Kollektorfläche (m²)\n05974028;1234,5\n05974040;99\n", encoding="cp1252")
    result = _inspect(named)
    assert result.exit_code == 0, result.output
    assert "year: 2021, from the file name" in result.output and "years: 2021" in result.output
    assert _snippet_source(result.output)["options"] == {"pattern": "*.csv", "encoding": "cp1252", "separator": ";",
                                                         "decimal": ",",
                                                         "columns": {"collector_area_m2": "Kollektorfläche (m²)"}}


def test_a_header_in_another_unit_is_named_and_a_table_lacking_columns_gets_candidates(tmp_path):
    kwh = tmp_path / "verbrauch.csv"
    kwh.write_text(PARTNER_FINAL_ENERGY.replace("Endenergie [MWh]", "Verbrauch in kWh"), encoding="utf-8")
    result = _inspect(kwh)
    assert "UNIT: 'Verbrauch in kWh' is in kwh, column final_energy_mwh takes mwh" in result.output
    assert result.exit_code == 1  # pasted as is, the snippet would read a thousand times the energy

    short = tmp_path / "anzahl.csv"
    short.write_text("Gemeinde;Anzahl\nSoest;3\n", encoding="utf-8")
    result = _inspect(short)
    assert result.exit_code == 1
    assert "vehicle_stock: vehicles = 'Anzahl' / lacks ags, year, vehicle_fuel" in result.output
    assert "the file's headers: 'Gemeinde', 'Anzahl'" in result.output


def test_a_partner_workbook_gets_its_headers_under_a_title_row(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Förderprogramm Altbau, Stand 31.03.2022"])
    book.active.append(["Gemeindeschlüssel", "Jahr", "Sanierungen"])
    book.active.append(["05974004", 2021, 17])
    book.active.append(["05974016", 2021, 4])
    path = tmp_path / "Foerderung.xlsx"
    book.save(path)
    result = _inspect(path)
    assert result.exit_code == 0, result.output
    assert _snippet_source(result.output)["options"] == {
        "pattern": "*.xlsx", "columns": {"ags": "Gemeindeschlüssel", "year": "Jahr", "energy_renovations": "Sanierungen"}}
    assert "rows read in the region (05974000): 2" in result.output


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_a_stated_unit_picks_the_header_and_a_wrong_one_is_not_readable(tmp_path):
    both = _write(tmp_path, "Endenergie.csv", "Gemeindeschlüssel;Jahr;Sektor;Energieträger;Verbrauch [kWh];"
                  "Verbrauch [MWh];Datenqualität\n05974004;2021;households;electricity;1.234.000;1.234;A\n")
    result = _inspect(both)
    assert result.exit_code == 0, result.output
    assert _snippet_source(result.output)["options"]["columns"]["final_energy_mwh"] == "Verbrauch [MWh]"
    # thousand km for a column in million km; MWh for the EEG layout's kWh header (its column scales kWh to MWh)
    for name, text, problem in [
        ("Fahrleistung.csv", "AGS;Jahr;Straßentyp;Fahrzeugklasse;Fahrleistung in Tsd. km\n05974004;2019;urban;car;"
         "81.387,7\n", "'Fahrleistung in Tsd. km' is in tsd km, column vehicle_km_million takes mio"),
        ("EEG.csv", "EegMastrNummer;Jahr;Einspeisung [MWh]\nE12345678900;2021;694,225\n",
         "'Einspeisung [MWh]' is in mwh, column feed_in_mwh takes kwh")]:
        result = _inspect(_write(tmp_path, name, text))
        assert f"UNIT: {problem}" in result.output and result.exit_code == 1, result.output
    ets = _write(tmp_path, "ETS.csv", "Anlagen-ID;Anlagenname;Gemeindeschlüssel;Tätigkeit;Jahr;"
                 "Geprüfte Emissionen [t CO2e]\nDE-0001;Zementwerk;05974008;29;2021;401.233\n")
    result = _inspect(ets)
    assert "format: ets" in result.output and "UNIT" not in result.output, result.output


def test_the_decimal_mark_ignores_dates_and_says_when_it_is_a_guess(tmp_path):
    dates = _write(tmp_path, "Pkw.csv", "Gemeindeschlüssel;Jahr;Kraftstoffart;Anzahl\n"
                   "05974004;01.01.2022;petrol;21.411\n05974008;01.01.2022;diesel;9.040\n")
    result = _inspect(dates)
    assert _snippet_source(result.output)["options"]["decimal"] == ","
    assert "decimal mark: ',' guessed" in result.output
    tabs = _write(tmp_path, "Feuerstaetten.csv", "Gemeindeschlüssel\tErhebungsjahr\tBrennstoff\tLeistungsklasse\t"
                  "Anzahl\n05974004\t2021\tGas\t11-25 kW\t1.568\n")
    result = _inspect(tabs)
    source = _snippet_source(result.output)
    assert source["format"] == "chimney_sweep" and source["options"]["decimal"] == ","
    _, read = read_delivery("chimney_sweep", source["options"], {}, SOEST,
                            Delivery("d1", "src", tabs.name, tabs.read_bytes()))
    assert read.rows["systems"].tolist() == [1568.0]


def test_title_rows_are_skipped_and_a_closer_layout_with_a_missing_column_is_not_overruled(tmp_path):
    titled = _write(tmp_path, "Endenergie_2021.csv", "Endenergie 2021, Kreis Soest (vorläufig)\n"
                    "Stand: 01.02.2022;erstellt: Klimaschutzmanagement\n"
                    "AGS;Sektor;Energieträger;Endenergie (MWh);Datengüte\n05974004;households;electricity;12,5;A\n")
    result = _inspect(titled)
    assert result.exit_code == 0 and "format: final_energy" in result.output, result.output
    assert "rows read in the region (05974000): 1" in result.output
    no_activity = _write(tmp_path, "DEHSt.csv", "Anlagen-ID;Anlagenname;Gemeindeschlüssel;Jahr;Emissionen in t\n"
                         "DE-0001;Zementwerk;05974008;2021;401233\n")
    result = _inspect(no_activity)
    assert result.exit_code == 1
    assert "agriculture has every column it needs, but ets fits more of the file's columns and lacks " \
           "activity_code" in result.output


def test_codes_in_any_case_a_missing_coded_column_and_a_file_nothing_of_is_read(tmp_path):
    lower = _write(tmp_path, "fe.csv", "ags,year,sector,carrier,final_energy_mwh,data_quality\n"
                   "05974004,2021,Households,Electricity,12.5,b\n")
    result = _inspect(lower)
    assert result.exit_code == 0 and "rows read in the region (05974000): 1" in result.output, result.output

    no_carrier = _write(tmp_path, "Netzabsatz_Strom_2021.csv", "Gemeindeschlüssel;Kundengruppe;Absatz [MWh]\n"
                        "05974004;Private Haushalte;1.234,5\n")
    result = _inspect(no_carrier)
    source = _snippet_source(result.output)
    assert source["options"]["defaults"] == {
        "carrier": "<one of " + ", ".join(TIDY_SPECS["final_energy"].columns[3].allowed) + ">",
        "data_quality": "<one of A, B, C, D>"}
    assert "year: 2021, from the file name" in result.output
    assert any("options.defaults.carrier" in p for p in
               layout_problems(TIDY_SPECS["final_energy"], source["options"], source["mappings"]))
    source["options"]["defaults"] = {"carrier": "electricity", "data_quality": "B"}
    _, read = read_delivery("final_energy", source["options"], source["mappings"], SOEST,
                            Delivery("d1", "src", no_carrier.name, no_carrier.read_bytes()))
    assert read.rows[["year", "sector", "carrier", "final_energy_mwh", "data_quality"]].values.tolist() == [
        [2021, "households", "electricity", 1234.5, "B"]]

    months = _write(tmp_path, "Heizgradtage.csv", "Station;Jahr;Monat;Gradtagzahl\n01078;2021;Januar;512,3\n")
    result = _inspect(months)
    assert result.exit_code == 1 and "every row was rejected" in result.output
    assert "\n  is: an empty file\n" in _inspect(_write(tmp_path, "leer.csv", "")).output
    two_years = _write(tmp_path, "Solarthermie_2021_Stand_2023-02-01.csv", "AGS;Kollektorfläche in m2\n05974004;12\n")
    result = _inspect(two_years)
    assert result.exit_code == 1 and "the file name states several years (2021, 2023): options.defaults.year" \
        in result.output


def test_the_layouts_own_headers_never_state_another_unit(tmp_path):
    from sources.tidy_match import unit_problem

    assert not [(fmt, c.name) for fmt, spec in TIDY_SPECS.items() for c in spec.columns if unit_problem(c, c.label)]
    own = _write(tmp_path, "vkm.csv", "ags,year,road_type,vehicle_class,vehicle_km_million,drive\n"
                 "05974004,2021,urban,car,81.4,combustion\n")
    result = _inspect(own)
    assert result.exit_code == 0 and "is: a table in klimamonitor's tidy layout vehicle_km" in result.output


def test_a_damaged_workbook_is_said_never_a_traceback(tmp_path):
    import zipfile

    path = tmp_path / "kaputt.xlsx"
    with zipfile.ZipFile(path, "w") as book:  # a zip with a workbook part that is no workbook
        book.writestr("[Content_Types].xml", "<x/>")
        book.writestr("xl/workbook.xml", "garbage")
    result = _inspect(path)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # an exit, not an exception
    assert "NOT READABLE: source 'inspect', file 'kaputt.xlsx': the workbook cannot be read" in result.output


def test_a_workbook_with_a_cover_sheet_is_read_on_the_sheet_holding_the_table(tmp_path):
    """A partner's workbook as offices send them: a cover sheet first, the table on the second sheet starting at B3
    (the rows above and the column left of it empty). The table's sheet is found and named in the snippet, and a
    finding names the row the spreadsheet shows (row 6: the third data row)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Deckblatt"
    book.active.append(["Förderprogramm Altbau"])
    book.active.append(["Kreis Soest, Stand 31.03.2022"])
    data = book.create_sheet("Daten")
    for row, cells in enumerate([["Gemeindeschlüssel", "Jahr", "Sanierungen"], ["05974004", 2021, 17],
                                 ["05974016", 2021, 4], ["05974020", 2021, "viele"]], start=3):
        for column, cell in enumerate(cells, start=2):
            data.cell(row=row, column=column, value=cell)
    path = tmp_path / "Foerderung.xlsx"
    book.save(path)
    result = _inspect(path)
    assert _snippet_source(result.output)["options"] == {
        "pattern": "*.xlsx", "sheet": "Daten",
        "columns": {"ags": "Gemeindeschlüssel", "year": "Jahr", "energy_renovations": "Sanierungen"}}
    assert "rows read in the region (05974000): 2" in result.output
    assert "(first: 'viele' in row 6)" in result.output, result.output


def test_the_region_level_of_a_district_free_city_is_named_so():
    import pandas as pd

    from sources.inspection import _levels

    hamm = Region("05915000", frozenset({"05915000"}))
    assert _levels(pd.DataFrame({"ags": ["05915000"]}), hamm) == "district-free city; 1 key(s): 05915000"
    assert _levels(pd.DataFrame({"ags": ["05974000", "05974004"]}), SOEST).startswith("district, municipality; 2")


def test_kba_names_matching_no_municipality_get_a_mapping_to_fill_in():
    """Kreis Paderborn with its names from the real GV100AD: 'WUENNENBERG,ST.' (FZ 3.1 row 6281, Bad Wünnenberg)
    matches no name; the snippet carries mappings.municipality_names for it, its key left to the engineer."""
    from assets.district_init import region_from_directory
    from sources.inspection import inspect_file

    directory = region_from_directory(REAL / "destatis" / "GV100AD_311217.ASC", "05774000").municipalities
    region = Region("05774000", frozenset(directory["ags"]) - {"05774000"},
                    names=tuple(zip(directory["ags"], directory["name"], strict=True)))
    result = inspect_file(REAL / "kba" / "fz3_2021.xlsx", region)
    text = "\n".join(result.lines)
    assert result.readable and "mappings.municipality_names below needs each one's 8-digit key" in text
    assert _snippet_source(text + "\n")["mappings"] == {"municipality_names": {"WUENNENBERG,ST.": "<its 8-digit key>"}}
