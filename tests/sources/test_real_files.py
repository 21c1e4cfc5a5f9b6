"""The real files in tests/fixtures/real/ as published (never edited), each read by the format for its kind.

Expected values are read by hand from the files; each assertion says where in the file the value stands.
"""

import csv
from pathlib import Path

import pandas as pd
import pytest

from sources.errors import LayoutError
from sources.parsers.common import Delivery
from sources.parsers.genesis import parse_genesis_population
from sources.parsers.genesis_table import parse_genesis_table
from sources.region import Region

REAL = Path(__file__).parents[1] / "fixtures" / "real"
ROOT = Path(__file__).parents[2]
SOEST_KEYS = frozenset(r["ags"] for r in csv.DictReader(open(ROOT / "config/kreis_soest/municipalities.csv",
                                                             encoding="utf-8")) if r["kind"] == "municipality")
SOEST = Region("05974000", SOEST_KEYS)


def real(name: str) -> Delivery:
    path = REAL / name
    return Delivery(f"real:{path.stem}", "real", path.name, path=path)


def value(rows: pd.DataFrame, **where) -> pd.Series:
    mask = pd.Series(True, index=rows.index)
    for column, wanted in where.items():
        mask &= rows[column] == wanted
    assert mask.sum() == 1, (where, int(mask.sum()))
    return rows[mask].iloc[0]


# --- GENESIS classic tables, flat file, xlsx

def test_itnrw_12411_15i_population_of_kreis_soest_2024():
    result = parse_genesis_population(real("itnrw/12411-15i.csv"), {}, {}, SOEST)
    # line 424: 31.12.2024;05974;    Soest, Kreis;300297;1328,64;226,0
    row = value(result.rows, ags="05974000", year=2024)
    assert row.population == 300297 and row.source_row == 424 and row.census_basis == "zensus_2022"
    # line 434: 31.12.2024;05974040;      Soest, Stadt;47776;85,81;556,8
    assert value(result.rows, ags="05974040", year=2024).population == 47776
    assert len(result.rows) == 15  # the district and its 14 municipalities


def test_itnrw_12411_15i_area_as_table_values():
    result = parse_genesis_table(real("itnrw/12411-15i.csv"), {}, {}, SOEST)
    rows = result.rows
    assert set(rows["table_code"]) == {"12411-15i"}  # line 1: Tabelle: 12411-15i
    area = value(rows, region_key="05974", variable="Flächenerhebung nach Art der tatsächlichen Nutzung / "
                 "Bodenfläche (Katasterfläche) in qkm")
    assert area.value == pytest.approx(1328.64) and area.unit == "qkm"  # line 424, fifth cell; unit from line 5
    nrw = value(rows, region_key="05", unit="Anzahl")  # line 6: 31.12.2024;05;Nordrhein-Westfalen;18034454;...
    assert nrw.value == 18034454 and nrw.time == "31.12.2024"


def test_regionalstatistik_12411_01_01_4_districts_wide_latin1():
    result = parse_genesis_population(real("regionalstatistik/12411-01-01-4.csv"), {}, {}, SOEST)
    # line 142: 05974;      Soest, Kreis;301902;150022;151880 (date 31.12.2018 in header line 7, Latin-1 file)
    row = value(result.rows, ags="05974000")
    assert (row.year, row.population, row.source_row) == (2018, 301902, 142)
    values = parse_genesis_table(real("regionalstatistik/12411-01-01-4.csv"), {}, {}, SOEST).rows
    assert value(values, region_key="05974", variable="Stichtag / weiblich").value == 151880


def test_regionalstatistik_12411_01_01_5_municipalities_with_census_break():
    result = parse_genesis_population(real("regionalstatistik/12411-01-01-5_00.csv"), {}, {}, SOEST)
    rows = result.rows
    # line 2977: 05974;      Soest, Kreis;302995;... (31.12.2015 first), the 13th value 296540 (31.12.2011)
    assert value(rows, ags="05974000", year=2015).population == 302995
    y2011 = value(rows, ags="05974000", year=2011)
    assert y2011.population == 296540 and y2011.census_basis == "zensus_2011" and bool(y2011.basis_break)
    y2010 = value(rows, ags="05974000", year=2010)  # 16th value: 304167, the last year on the old basis
    assert y2010.population == 304167 and y2010.census_basis == "vz_1987_register_1990" and not y2010.basis_break
    # line 2987: 05974040;        Soest;47974;23245;24729;...
    assert value(rows, ags="05974040", year=2015).population == 47974
    assert len(rows) == 15 * 8


def test_regionalstatistik_46251_vehicles_long_layout():
    rows = parse_genesis_table(real("regionalstatistik/46251-01-02-4_00.csv"), {}, {}, SOEST).rows
    # line 141: 01.01.2017;05974;      Soest, Kreis;215870;181148;9300;8437;15685
    cars = value(rows, region_key="05974", year=2017, variable="Kraftfahrzeugarten / Pkw")
    assert cars.value == 181148 and cars.source_row == 141
    # line 667: 01.01.2016;05974;...;211797;178020;...
    assert value(rows, region_key="05974", year=2016, variable="Kraftfahrzeugarten / Pkw").value == 178020


def test_regionalstatistik_43531_industry_energy_with_secret_marks():
    rows = parse_genesis_table(real("regionalstatistik/43531-01-02-4_00.csv"), {}, {}, SOEST).rows
    prefix = "Energieverbrauch (einschl. nichtenergetischem V.) / Energieträger / "
    # line 143: 2015;05974;      Soest, Kreis;17377313;6591791;165484;2588376;.;4061148;32473;.
    total = value(rows, region_key="05974", year=2015, variable=prefix + "insgesamt")
    assert total.value == 17377313 and total.unit == "Tsd. MJ"
    secret = value(rows, region_key="05974", year=2015, variable=prefix + "Erneuerbare Energien")
    assert pd.isna(secret.value) and secret.value_status == "confidential" and secret.quality_mark == "."


def test_regionalstatistik_31231_buildings_and_flats_stacked_headers():
    rows = parse_genesis_table(real("regionalstatistik/31231-01-02-5_00.csv"), {}, {}, SOEST).rows
    # line 2978: 31.12.2010;05974;      Soest, Kreis;75990;47411;19019;13201,6;136373;...
    buildings = value(rows, region_key="05974", year=2010,
                      variable="Wohngebäude / Gebäude nach Anzahl der Wohnungen / Insgesamt")
    assert buildings.value == 75990
    area = value(rows, region_key="05974", year=2010, variable="Wohnfläche in Wohngebäuden")
    assert area.value == pytest.approx(13201.6) and area.unit == "1000 qm"


def test_regionalstatistik_31211_xlsx_download_merged_headers():
    rows = parse_genesis_table(real("regionalstatistik/31211-01-01-4.xlsx"), {}, {}, SOEST).rows
    assert set(rows["table_code"]) == {"31211-01-01-4"}  # the sheet's name
    # sheet 31211-01-01-4, row 141: 05974 | Soest, Kreis | 79822 | 77191 | 77142 | 49 | 2631 | 137861 | ...
    # (census reference date 09.05.2011 in row 3: 'Stichtag: 09.05.2011')
    flats = value(rows, region_key="05974", variable="Wohnungen in Gebäuden mit Wohnraum")
    assert flats.value == 137861 and flats.year == 2011 and flats.source_row == 141
    homes = value(rows, region_key="05974", variable="Gebäude mit Wohnraum / Art des Gebäudes / Wohnheime")
    assert homes.value == 49  # merged header cells of rows 4-6 carried over their span


def test_destatis_12613_flat_file():
    rows = parse_genesis_table(real("destatis_genesis/12613-0013_de_flat.csv"), {}, {}, SOEST).rows
    # line 10: ...;2016;MONAT;Monate;MONAT02;Februar;DLAND;Bundesländer;05;Nordrhein-Westfalen;GES;Geschlecht;GESW;
    #          weiblich;8773;Anzahl;BEV002;Gestorbene;e
    row = value(rows, source_row=10)
    assert (row.region_key, row.year, row.value, row.quality_mark) == ("05", 2016, 8773, "e")
    assert row.variable == "BEV002 / MONAT=MONAT02 / GES=GESW" and row.table_code == "12613"
    # line 29: the same month, GES without attribute code: Insgesamt 16926
    assert value(rows, source_row=29).variable == "BEV002 / MONAT=MONAT02 / GES=Insgesamt"


def test_classic_table_cut_off_is_refused(tmp_path):
    data = (REAL / "itnrw/12411-15i.csv").read_bytes()
    cut = data[: data.index(b"05974056")]  # cut at a line break inside the table: no footer
    with pytest.raises(LayoutError, match="cut off"):
        parse_genesis_table(Delivery("t:1", "t", "12411-15i.csv", cut), {}, {}, SOEST)


# --- Marktstammdatenregister web exports (both column sets, dates as the browser wrote them: m/d/yyyy)

def _file_region(name: str) -> Region:
    """Every municipality key of the export as the region (Sachsen), so no unit falls outside."""
    with open(REAL / name, encoding="utf-8-sig", newline="") as handle:
        keys = {r["Gemeindeschlüssel"] for r in csv.DictReader(handle, delimiter=";") if r["Gemeindeschlüssel"]}
    return Region("14000000", frozenset(keys))


def test_mastr_web_export_older_column_set():
    from sources.parsers.mastr import parse_mastr_csv

    name = "mastr/mastr-sample-ags-147-2014f.csv"
    result = parse_mastr_csv(real(name), {}, {}, _file_region(name))
    rows = result.rows
    # line 3: "SEE956902802078";"Querbitzsch";"In Betrieb";"Solare Strahlungsenergie";"634,705";"615";"1/30/2019";
    #         ... "14730200"
    unit = value(rows, unit_id="SEE956902802078")
    assert unit.gross_kw == pytest.approx(634.705) and unit.net_kw == 615
    assert str(unit.commissioned_on) == "2019-01-30" and unit.ags == "14730200" and unit.technology == "solar_pv"
    # line 5: "SEE996241583627";"Speicher";"In Betrieb";"Speicher";... a storage unit: not generation
    assert "SEE996241583627" not in set(rows["unit_id"])


def test_mastr_web_export_newer_column_set():
    from sources.parsers.mastr import parse_mastr_csv

    name = "mastr/wec_sachsen_20231022.csv"
    result = parse_mastr_csv(real(name), {}, {}, _file_region(name))
    # line 2: "SEE943811776453";"WEA Wilsdruff - Mohorn IV";"In Betrieb";"Wind";"2350";"2350";"8/30/2017";...;"14628410"
    unit = value(result.rows, unit_id="SEE943811776453")
    assert (unit.gross_kw, unit.technology, str(unit.commissioned_on), unit.ags) == (
        2350, "wind_onshore", "2017-08-30", "14628410")
    # line 3: "SEE933316124781";...;"600";"600";"6/4/1997": ambiguous alone, read as month/day like the whole file
    assert str(value(result.rows, unit_id="SEE933316124781").commissioned_on) == "1997-06-04"


def test_mastr_date_order_from_option_or_refused_when_ambiguous():
    from sources.parsers.mastr import parse_mastr_csv

    header = ('"MaStR-Nr. der Einheit";"Betriebs-Status";"Energieträger";"Bruttoleistung der Einheit";'
              '"Inbetriebnahmedatum der Einheit";"Gemeindeschlüssel"\n')
    text = header + '"SEE1";"In Betrieb";"Wind";"600";"6/4/1997";"05974004"\n'
    d = Delivery("t:1", "t", "export.csv", text.encode())
    with pytest.raises(LayoutError, match="date_order"):
        parse_mastr_csv(d, {}, {}, SOEST)
    rows = parse_mastr_csv(d, {"date_order": "dmy"}, {}, SOEST).rows
    assert str(rows.iloc[0].commissioned_on) == "1997-04-06"


# --- DWD, KBA, Destatis directory and key changes

SOEST_NAMED = Region("05974000", SOEST_KEYS, names=tuple(
    (r["ags"], r["name"]) for r in csv.DictReader(open(ROOT / "config/kreis_soest/municipalities.csv",
                                                       encoding="utf-8"))))


@pytest.mark.parametrize("month, line, station, expected", [
    ("201001", 5, "00003", 642.8),    # line 5: 00003;50.78; 6.09;            AACHEN (WEWA);201001;31;642.8;31;513.9
    ("202001", 213, "03031", 462.5),  # line 213: 03031;51.63; 8.39;   LIPPSTADT-BOEKENFOERDE;202001;31;462.5;31;541.9
])
def test_dwd_monthly_degree_days(month, line, station, expected):
    from sources.parsers.public import parse_dwd_degree_days

    rows = parse_dwd_degree_days(real(f"dwd/gradtage_{month}.csv"), {}, {}, SOEST).rows
    row = value(rows, source_row=line)
    assert (row.station_id, row.year, row.month, row.heating_degree_days) == (
        station, int(month[:4]), int(month[4:]), expected)


def test_dwd_degree_days_2015_one_station_by_option():
    from sources.parsers.public import parse_dwd_degree_days

    result = parse_dwd_degree_days(real("dwd/gradtage_201501.csv"), {"stations": ["3031"]}, {}, SOEST)
    assert list(result.rows["station_id"]) == ["03031"] and result.findings[0].kind == "filtered"


def test_kba_fz3_matched_to_keys_by_name():
    from sources.parsers.public import parse_kba_fz3

    result = parse_kba_fz3(real("kba/fz3_2021.xlsx"), {}, {}, SOEST_NAMED)
    rows = result.rows
    # sheet FZ 3.1, row 6352: | SOEST (05974) | 59609  ANROECHTE | 668 | 7133 | ... (Pkw insgesamt: 7133)
    assert value(rows, ags="05974004").vehicles == 7133 and value(rows, ags="05974004").year == 2021
    # row 6361: 59494  SOEST,ST. | 2160 | 29253 ; row 6366: ZUSAMMEN | 16898 | 192866
    assert value(rows, ags="05974040").vehicles == 29253
    assert value(rows, ags="05974000").vehicles == 192866
    assert len(rows) == 15 and not [f for f in result.findings if f.kind == "rejected"]


def test_kba_fz3_unmatched_name_is_reported_not_guessed():
    from sources.parsers.public import parse_kba_fz3

    names = tuple((k, "Soest-Altstadt" if k == "05974040" else n) for k, n in SOEST_NAMED.names)
    region = Region(SOEST.district_ags, SOEST_KEYS, names=names)
    result = parse_kba_fz3(real("kba/fz3_2021.xlsx"), {}, {}, region)
    rejected = [f for f in result.findings if f.kind == "rejected"]
    assert len(rejected) == 1 and rejected[0].source_row == 6361 and "SOEST,ST." in rejected[0].raw_value
    assert "05974040" not in set(result.rows["ags"])


def test_kba_fz3_names_without_their_designation_and_the_sources_own_mapping():
    """Kreis Paderborn (sheet FZ 3.1, rows 6272-6282) with its names from the real GV100AD: 'HOEVELHOF' is
    'Hövelhof, Sennegemeinde' without its designation; 'WUENNENBERG,ST.' (row 6281, 8351 cars) is the KBA's old
    name of 'Bad Wünnenberg, Stadt': reported until the source maps it, never guessed."""
    from assets.district_init import region_from_directory
    from sources.parsers.public import parse_kba_fz3

    directory = region_from_directory(REAL / "destatis" / "GV100AD_311217.ASC", "05774000").municipalities
    names = tuple(zip(directory["ags"], directory["name"], strict=True))
    region = Region("05774000", frozenset(directory["ags"]) - {"05774000"}, names=names)
    result = parse_kba_fz3(real("kba/fz3_2021.xlsx"), {}, {}, region)
    assert value(result.rows, ags="05774024").vehicles == 10475  # row 6277: 33161  HOEVELHOF | 829 | 10475
    assert value(result.rows, ags="05774000").vehicles == 185254  # row 6282: ZUSAMMEN | 15274 | 185254
    rejected = [f for f in result.findings if f.kind == "rejected"]
    assert [(f.source_row, f.raw_value) for f in rejected] == [(6281, "33181  WUENNENBERG,ST.")]
    assert "mappings.municipality_names ('WUENNENBERG,ST.': <key>)" in rejected[0].reason

    mapped = parse_kba_fz3(real("kba/fz3_2021.xlsx"), {}, {"municipality_names": {"WUENNENBERG,ST.": "05774040"}},
                           region)
    assert value(mapped.rows, ags="05774040").vehicles == 8351 and not [f for f in mapped.findings
                                                                       if f.kind == "rejected"]
    wrong = parse_kba_fz3(real("kba/fz3_2021.xlsx"), {}, {"municipality_names": {"WUENNENBERG,ST.": "05974040"}},
                          region)
    assert "maps 'WUENNENBERG,ST.' to 05974040, which is no municipality of the region" in \
        [f for f in wrong.findings if f.kind == "rejected"][0].reason


def test_kba_fz3_a_base_name_that_is_another_municipalitys_name_is_not_taken():
    """Kreis Nordfriesland: 'GARDING,KIRCHSPIEL' (row 9730, 254 cars) is Garding, Kirchspiel, and 'GARDING,ST.'
    (row 9731, 1701) Garding, Stadt; 'GARDING' is the Stadt's name without designation and the Kirchspiel's base, so
    it names neither by base: each row its own municipality, no key twice."""
    from assets.district_init import region_from_directory
    from sources.parsers.public import parse_kba_fz3

    directory = region_from_directory(REAL / "destatis" / "GV100AD_311217.ASC", "01054000").municipalities
    region = Region("01054000", frozenset(directory["ags"]) - {"01054000"},
                    names=tuple(zip(directory["ags"], directory["name"], strict=True)))
    rows = parse_kba_fz3(real("kba/fz3_2021.xlsx"), {}, {}, region).rows
    assert value(rows, ags="01054035").vehicles == 254 and value(rows, ags="01054036").vehicles == 1701
    assert not rows["ags"].duplicated().any()


def test_kba_fz3_a_district_free_city_is_its_own_one_municipality():
    """Hamm, a district-free city (its region is its one municipality, 'Hamm, Stadt' in the real GV100AD): row 6289
    'HAMM,STADT (05915) | 59063  HAMM | 7371 | 98946' is its row, and row 6290's ZUSAMMEN (the same 98946) is
    not a second row for the same key."""
    from assets.district_init import region_from_directory
    from sources.parsers.public import parse_kba_fz3

    directory = region_from_directory(REAL / "destatis" / "GV100AD_311217.ASC", "05915000").municipalities
    region = Region("05915000", frozenset(directory["ags"]),
                    names=tuple(zip(directory["ags"], directory["name"], strict=True)))
    result = parse_kba_fz3(real("kba/fz3_2021.xlsx"), {}, {}, region)
    assert list(result.rows["ags"]) == ["05915000"] and list(result.rows["vehicles"]) == [98946]
    assert list(result.rows["source_row"]) == [6289]
    assert not [f for f in result.findings if f.kind == "rejected"]


def test_gv100ad_municipality_directory():
    from sources.parsers.public import parse_gv100ad

    rows = parse_gv100ad(real("destatis/GV100AD_311217.ASC"), {}, {}, SOEST).rows
    # line 3578: 6020171231059740080008Bad Sassendorf ... 64    00000006346 00000012038 00000005725    59505
    row = value(rows, ags="05974008")
    assert (row["name"], row.area_ha, row.population, str(row.directory_date), row.source_row) == (
        "Bad Sassendorf", 6346, 12038, "2017-12-31", 3578)
    assert len(rows) == 14


def test_gv100ad_keys_of_municipalities_in_an_amt():
    """Kreis Nordfriesland, whose municipalities belong to Ämter: lines 330 and 331 read
    '6020171231010540355417Garding, Kirchspiel' and '...010540365417Garding, Stadt' — the key is columns 11-18
    (01054035, 01054036), columns 19-22 the Amt Eiderstedt (5417), never part of the key."""
    from assets.district_init import region_from_directory

    rows = region_from_directory(REAL / "destatis" / "GV100AD_311217.ASC", "01054000").municipalities
    garding = rows[rows["name"].str.startswith("Garding")].set_index("name")["ags"].to_dict()
    assert garding == {"Garding, Kirchspiel": "01054035", "Garding, Stadt": "01054036"}
    assert not rows["ags"].duplicated().any()


def test_auszug_gv_xlsx_municipality_directory():
    from sources.parsers.public import parse_auszug_gv

    rows = parse_auszug_gv(real("destatis/31122023_Auszug_GV.xlsx"), {}, {}, SOEST).rows
    # sheet Onlineprodukt_Gemeinden31122023, row 3558: 60 | 64 | 05 | 9 | 74 | 0008 | 008 | Bad Sassendorf | 63.46 |
    # 12528 (title row 1: '... am 31.12.2023 (Jahr)')
    row = value(rows, ags="05974008")
    assert row.area_ha == pytest.approx(6346) and row.population == 12528 and str(row.directory_date) == "2023-12-31"
    assert row.source_row == 3558 and len(rows) == 14


def test_territorial_changes_2023_split_by_inhabitants():
    from sources.parsers.public import parse_territorial_changes

    region = Region("16064000", frozenset({"16064071", "16064046"}))
    result = parse_territorial_changes(real("destatis/Gebietsaenderungen_2023.xlsx"), {}, {}, region)
    rows = result.rows
    # sheet Gebietsaenderungen rows 18-20: Anrode 16064073 (change type 1) with 1126, 313 and 1699 inhabitants to
    # 16064071 Unstruttal, 16064046 Mühlhausen/Thüringen and 16061118 Dingelstädt, effective 01.01.2023
    anrode = rows[rows["former_ags"] == "16064073"].set_index("ags")
    assert anrode.loc["16064071", "share"] == pytest.approx(1126 / 3138)
    assert anrode.loc["16061118", "share"] == pytest.approx(1699 / 3138)
    assert str(anrode.loc["16064046", "effective_date"]) == "2023-01-01" and anrode.loc["16064046", "source_row"] == 19


def test_xrepository_ags_history():
    from sources.parsers.public import parse_ags_history

    region = Region("01051000", frozenset({"01051141"}))
    rows = parse_ags_history(real("destatis/Destatis.AGS.Historie_2021-12-31.json"), {}, {}, region).rows
    # daten record 38: ['38', '01051040', 'Hägen', '31.12.2006', '1', '31.12.2008', '01051141', 'Süderheistedt',
    # '01.01.2009', None]: Hägen dissolved into Süderheistedt on 01.01.2009
    row = value(rows, former_ags="01051040")
    assert (row.ags, str(row.effective_date), row.share, row.source_row) == ("01051141", "2009-01-01", 1.0, 38)
