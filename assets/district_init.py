"""`klimamonitor init`: a new district configuration from the Destatis municipality directory (GV100AD or Auszug
GV, read by the directory parsers of sources/parsers/public.py) for any region: a district (05974000), a
district-free city (05111000), a state (05000000) or the country (00000000).

It writes a new folder with `district.yaml` (region, years, the bundled factor set, and a sources section with an
example of every supported format, commented out) and `municipalities.csv` (keys, names, kinds, areas and the
directory's population with its source and date). It never writes into an existing folder.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from assets.config import CITY, PROJECT_ROOT
from sources.errors import DeliveryError
from sources.formats import FORMATS
from sources.parsers.common import Delivery
from sources.parsers.public import auszug_gv_entries, gv100ad_entries, is_gv100ad
from sources.region import region_prefix

COUNTRY = "00000000"
# Kinds of district records (GV100AD / Auszug GV text code of record type 40) and how the region is named.
DISTRICT_TITLES = {"41": "{}", "42": "{}", "43": "Kreis {}", "44": "Landkreis {}", "45": "{}"}
DIRECTORY_SOURCE = "Statistisches Bundesamt, Gemeindeverzeichnis (GV-ISys)"


class InitError(ValueError):
    """The directory cannot be read, the key is not in it, or the folder exists: the message says which."""


@dataclass(frozen=True)
class RegionFromDirectory:
    ags: str
    name: str
    municipalities: pd.DataFrame  # ags, name, kind, area_ha, population, population_date, population_source
    directory: str  # file name of the directory it came from
    directory_format: str  # gv100ad | auszug_gv


def read_directory(path: Path) -> tuple[str, list[dict]]:
    """(format, entries) of a GV100AD or Auszug GV file."""
    delivery = Delivery("init", "init", path.name, path=path)
    try:
        if path.suffix.lower() == ".xlsx":
            return "auszug_gv", auszug_gv_entries(delivery, {})
        with open(path, "rb") as fh:
            head = fh.read(64)
        if not is_gv100ad(head):
            raise InitError(f"{path}: neither a GV100AD file (fixed-width records starting with '10<date>') nor an "
                            "Auszug GV (.xlsx) of the Statistisches Bundesamt")
        return "gv100ad", gv100ad_entries(delivery, {})[0]
    except DeliveryError as exc:  # a workbook or file that is no municipality directory
        raise InitError(f"{path} is no municipality directory of the Statistisches Bundesamt (a GV100AD file or an "
                        f"Auszug GV .xlsx): {exc.problem}") from None


def region_from_directory(path: Path, ags: str) -> RegionFromDirectory:
    """The region of key `ags` and its municipalities as the directory lists them."""
    if not re.fullmatch(r"\d{8}", ags):
        raise InitError(f"--key {ags!r} is not an 8-digit key (a district 05974000, a state 05000000, "
                        f"the country {COUNTRY})")
    fmt, entries = read_directory(path)
    prefix = region_prefix(ags)
    municipal = [e for e in entries if e["level"] == "60" and e["ags"].startswith(prefix)]
    if ags == COUNTRY:
        name = "Deutschland"
    else:
        own = [e for e in entries if e["ags"] == ags and e["level"] != "60"]
        if not own or not municipal:
            raise InitError(f"key {ags} is not a state, Regierungsbezirk or district of {path.name}"
                            + ("" if municipal else " (no municipality has this key prefix)"))
        record = own[0]
        name = DISTRICT_TITLES.get(record["type_code"] or "", "{}").format(record["name"]) \
            if record["level"] == "40" else record["name"]
    frame = pd.DataFrame(municipal)
    date = frame["directory_date"].iloc[0]
    table = pd.DataFrame({"ags": frame["ags"], "name": frame["name"], "kind": "municipality",
                          "area_ha": frame["area_ha"].round(0).astype("Int64"),
                          "population": frame["population"].astype("Int64"),
                          "population_date": pd.Series(date, index=frame.index).astype(str),
                          "population_source": f"{DIRECTORY_SOURCE}, {path.name}"})
    region_row = pd.DataFrame([{"ags": ags, "name": name, "kind": "district",
                                "area_ha": table["area_ha"].sum(min_count=1),
                                "population": table["population"].sum(min_count=1),
                                "population_date": str(date), "population_source": table["population_source"].iloc[0]}])
    if list(table["ags"]) == [ags]:  # a district-free city: the region is its one municipality
        return RegionFromDirectory(ags, name, table.assign(kind=CITY), path.name, fmt)
    return RegionFromDirectory(ags, name, pd.concat([region_row, table], ignore_index=True), path.name, fmt)


def district_id(name: str) -> str:
    """A lower-case id from the region's name (umlauts spelled out): Kreis Soest → kreis_soest."""
    text = name.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = text.replace("Ä", "Ae").replace("Ö", "Oe").replace("Ü", "Ue")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_") or "district"


# One example per format: (folder, options, partner). Every format of sources/formats.py has one (a test checks).
EXAMPLES: dict[str, tuple[str, dict, str]] = {
    "grid_sheet": ("strom", {"pattern": "*.csv", "carrier": "electricity", "encoding": "cp1252"},
                   "your grid operator (Netzabsatz per municipality and customer group)"),
    "genesis_population": ("statistik", {"pattern": "*.csv"}, "the statistics office (population, GENESIS)"),
    "genesis_table": ("statistik_tabellen", {"pattern": "*.csv"}, "the statistics office (any GENESIS table)"),
    "final_energy": ("endenergie", {"pattern": "*.csv"}, "a final-energy balance made elsewhere"),
    "emission_factors": ("faktoren", {"pattern": "*.csv"}, "an official BISKO factor set"),
    "district_heat_factors": ("fernwaerme_faktoren", {"pattern": "*.csv"}, "the district-heat supplier"),
    "mastr_csv": ("mastr", {"pattern": "*.csv"}, "Marktstammdatenregister web export (dl-de/by-2-0)"),
    "mastr_xml": ("mastr_gesamt", {"pattern": "Gesamtdatenexport_*.zip"}, "Marktstammdatenregister bulk export"),
    "eeg_feed_in": ("eeg", {"pattern": "*.csv"}, "the transmission operator (EEG annual settlement)"),
    "chimney_sweep": ("schornsteinfeger", {"pattern": "*.csv", "encoding": "cp1252"}, "the chimney-sweep guild"),
    "vehicle_km": ("verkehr", {"pattern": "Fahrleistungen_*.csv"}, "Fahrleistungen (BISKO-Standardwerte Verkehr)"),
    "rail_train_km": ("verkehr", {"pattern": "Zugkilometer_*.csv"}, "train-km per municipality"),
    "solar_thermal": ("solarthermie", {"pattern": "*.csv"}, "solar-thermal collector areas"),
    "renovations": ("gebaeude", {"pattern": "Sanierungen_*.csv"}, "energy renovations (building authority)"),
    "building_stock": ("gebaeude", {"pattern": "Zensus_*.csv"}, "pre-1979 building stock (census)"),
    "ets": ("ets", {"pattern": "*.csv"}, "DEHSt / EU Transaction Log"),
    "agriculture": ("landwirtschaft", {"pattern": "*.csv"}, "agricultural emissions inventory"),
    "vehicle_stock": ("kba", {"pattern": "*.csv"}, "passenger cars by fuel (tidy table)"),
    "kba_fz3": ("kba_fz3", {"pattern": "*.xlsx"}, "Kraftfahrt-Bundesamt FZ 3 (dl-de/by-2-0)"),
    "degree_days": ("gradtage", {"pattern": "*.csv"}, "degree days (tidy table)"),
    "dwd_degree_days": ("dwd", {"pattern": "gradtage_*.csv"}, "Deutscher Wetterdienst, Climate Data Center"),
    "interval_csv": ("lastgang", {"pattern": "*.csv.gz", "unit": "kWh"}, "15-minute meter data"),
    "key_changes": ("gebietsaenderungen", {"pattern": "*.csv"}, "key changes (tidy table)"),
    "territorial_changes": ("gebietsaenderungen", {"pattern": "*.xlsx"}, "Destatis Gebietsänderungen"),
    "ags_history": ("ags_historie", {"pattern": "*.json"}, "Destatis AGS history (XRepository)"),
    "gv100ad": ("verzeichnis", {"pattern": "GV100AD_*"}, "Destatis municipality directory GV100AD"),
    "auszug_gv": ("verzeichnis", {"pattern": "*Auszug_GV.xlsx"}, "Destatis municipality directory Auszug GV"),
    "facility_db": ("", {}, "your facility database (sql connector)"),
    "measures": ("massnahmen", {"pattern": "*.csv", "max_update_age_days": 365},
                 "the climate manager's list of measures (energiepolitisches Arbeitsprogramm, xlsx or CSV)"),
    "eea_assessment": ("eea", {"pattern": "*.csv"}, "the European Energy Award auditor's assessment"),
}
FACILITY_EXAMPLE = """\
#  - id: facility_db
#    partner: your facility database (read-only pull)
#    connector: sql
#    url_env: KLIMAMONITOR_FACILITY_DB_URL
#    format: facility_db
#    options:
#      tables:
#        buildings: {table: gebaeude, columns: {building_id: id, building_name: bezeichnung, ags: gemeindeschluessel},
#                    order_by: [id]}
#        meter_readings: {table: zaehlerstaende, columns: {meter_id: zaehler_id, building_id: gebaeude_id,
#                         carrier: energietraeger, reading_date: ablesedatum, reading_value: stand,
#                         reading_unit: einheit}, order_by: [zaehler_id, ablesedatum]}
"""


def _example(fmt: str) -> str:
    if fmt == "facility_db":
        return FACILITY_EXAMPLE
    folder, options, partner = EXAMPLES[fmt]
    entry = {"id": fmt, "partner": partner, "connector": "file_drop", "location": f"sources/{folder}",
             "format": fmt, "options": options}
    if fmt == "grid_sheet":
        entry["mappings"] = {"customer_groups": {"SLP Haushalt": "households", "SLP Gewerbe": "commerce",
                                                 "RLM Industrie": "industry", "Kommunale Einrichtungen": "municipal"}}
    text = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, default_flow_style=None, width=110)
    return "".join(f"#  {line}\n" for line in text.splitlines())


# The BISKO required cells every district has (DOMAIN: electricity, natural gas, the non-grid fuels, renewable heat,
# road transport, rail); district heat only where a network exists, which the directory does not say.
BISKO_REQUIRED_CELLS = {
    "electricity": [{"sectors": ["households", "commerce", "industry", "municipal"]},
                    {"sectors": ["transport"], "inputs": ["rail_local_passenger", "rail_long_distance_passenger",
                                                          "rail_freight", "road_battery_electric"]}],
    "natural_gas": ["households", "commerce", "industry", "municipal"],
    "heating_oil": ["households"], "lpg": ["households"], "solid_biomass": ["households"],
    "solar_thermal": ["households"], "ambient_heat": ["households"],
    "diesel": {"sectors": ["transport"], "inputs": ["transport", "rail_freight"]},
    "petrol": ["transport"],
}


BUNDLED_FACTORS = "config/kreis_soest/factors"


def bundled_factor_years() -> list[int]:
    """The years for which the bundled factor set states the federal electricity mix (read from its file)."""
    files = sorted((PROJECT_ROOT / BUNDLED_FACTORS).glob("*.csv"))
    frame = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    return sorted(int(y) for y in frame.loc[frame["carrier"] == "electricity", "year"].dropna().unique())


def config_text(region: RegionFromDirectory, first_year: int, last_year: int) -> str:
    head = {
        "district": {"id": district_id(region.name), "name": region.name, "ags": region.ags,
                     "municipalities": "municipalities.csv", "years": {"first": first_year, "last": last_year}},
        "data_origin": "partner_deliveries",
        # the bundled set publishes the federal electricity mix for some years only: the years between are
        # interpolated (flagged non-conformant) until an official set is delivered
        "balance": {"factor_set": "lca_compiled_2026", "interpolate": ["electricity"],
                    "required_cells": BISKO_REQUIRED_CELLS},
    }
    factors = {"id": "emission_factors", "partner": "klimamonitor (aus den zitierten Veröffentlichungen zusammengestellt)",
               "connector": "file_drop", "location": f"package:{BUNDLED_FACTORS}", "format": "emission_factors"}
    examples = "\n".join(f"# {fmt}\n{_example(fmt)}" for fmt in sorted(FORMATS))
    return (
        f"# District configuration for {region.name} ({region.ags}), made by `klimamonitor init` from "
        f"{region.directory}.\n"
        "# Paths are relative to this file; package:<path> names a file bundled with klimamonitor.\n"
        "# Check it with `klimamonitor check-config --config <this file>`; reference: docs/configuration.md\n"
        + yaml.safe_dump(head, allow_unicode=True, sort_keys=False, default_flow_style=None)
        + "# balance.required_cells: BISKO's required cells (docs/methodology.md); a total stays complete = false while one\n"
        "# is missing. Where a district-heat network exists, add its municipalities:\n"
        "#   district_heat: {sectors: [households, commerce, municipal], municipalities: [<their keys>]}\n"
        + "# Targets: your council's targets in a targets.yaml beside this file, `targets: targets.yaml` under\n"
        "# district (docs/indicators.md); config/kreis_soest/targets.yaml is a worked example to copy: its titles and\n"
        "# decisions are Kreis Soest's, and its targets that compare with a base year need a balance source first.\n"
        "\n# The sources. The factor set is bundled; uncomment and edit the examples below for your deliveries\n"
        "# (one folder per source, relative to this file). New sources go at the end of this list.\n"
        "sources:\n"
        + "".join(f"  {line}\n" for line in yaml.safe_dump([factors], allow_unicode=True, sort_keys=False)
                  .splitlines())
        + "\n# Every supported format, with an example (commented out):\n" + examples
    )


def init_district(directory: Path, ags: str, out: Path, first_year: int = 2007,
                  last_year: int | None = None) -> list[Path]:
    """Write district.yaml and municipalities.csv for region `ags` into the new folder `out`; the files written."""
    if out.exists():
        raise InitError(f"{out} already exists; init writes only into a new folder (nothing was changed)")
    if not directory.is_file():
        raise InitError(f"--directory {directory}: no such file")
    region = region_from_directory(directory, ags)
    # the last year: the year before this one (what deliveries can cover by now) as far as the bundled factor set
    # has the federal electricity mix, never before the directory's date
    date = region.municipalities["population_date"].iloc[0]
    last = last_year or max(int(str(date)[:4]), min(dt.date.today().year - 1, bundled_factor_years()[-1]))
    out.mkdir(parents=True)
    config, table = out / "district.yaml", out / "municipalities.csv"
    region.municipalities.to_csv(table, index=False, encoding="utf-8")
    config.write_text(config_text(region, min(first_year, last), last), encoding="utf-8")
    return [config, table]
