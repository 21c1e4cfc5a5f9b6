"""The district configuration: one YAML file (plus CSV files it names) that says which region, which years, which
sources and which factor set. Everything a district changes lives there, not in code.

Paths in the file are relative to the file's folder; `package:<path>` names a file of the installed project (the
bundled demo deliveries and configuration), so a copied configuration still finds them. Credentials are never
written there: a source names the environment variable that holds them. Loading validates the whole file and reports every problem with its place in the file.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from warehouse.vocabularies import AGS_PATTERN, CITY, DISTRICT, ID_PATTERN
from sources.region import Region, region_prefix

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "kreis_soest.yaml"
DEFAULT_DATA_DIR = Path("data")
CONFIG_ENV = "KLIMAMONITOR_CONFIG"
PACKAGE_PREFIX = "package:"  # a path inside the installed project, e.g. package:sources/demo/fixtures/...
DATA_DIR_ENV = "KLIMAMONITOR_DATA_DIR"


def resolve_path(base: Path, text: str | Path) -> Path:
    """A path of the configuration: `package:<path>` inside the installed project, else relative to `base` (the
    configuration file's folder) unless absolute."""
    text = str(text)
    if text.startswith(PACKAGE_PREFIX):
        return PROJECT_ROOT / text[len(PACKAGE_PREFIX):]
    path = Path(text).expanduser()
    return path if path.is_absolute() else base / path


def resolve_sqlite(base: Path, url: str | None) -> str | None:
    """A SQLite URL with its file resolved like every other path of the configuration (other URLs unchanged)."""
    prefix = "sqlite:///"
    if not url or not url.startswith(prefix) or url.startswith(prefix + "/"):
        return url
    return prefix + str(resolve_path(base, url[len(prefix):]))


class ConfigError(ValueError):
    """The district configuration is invalid; the message names the file and the place in it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Years(_Strict):
    first: int = Field(ge=1990, le=2100)
    last: int = Field(ge=1990, le=2100)

    @model_validator(mode="after")
    def _ordered(self) -> Years:
        if self.last < self.first:
            raise ValueError(f"last year {self.last} is before first year {self.first}")
        return self

    @property
    def range(self) -> list[int]:
        return list(range(self.first, self.last + 1))


class District(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    ags: str = Field(pattern=AGS_PATTERN)
    municipalities: Path
    years: Years
    published_figures: Path | None = None  # CSV of published figures to compare the balance with (run summary)
    targets: Path | None = None  # YAML of target sets (docs/indicators.md)


class ExpectedDelivery(_Strict):
    """A year's data are due on this day of the following year (e.g. month 6, day 30)."""

    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    max_age_days: int | None = Field(default=None, ge=1)  # newest delivery older than this: stale


# Licences partners publish under, by the name a configuration may give alone (Data Package `licenses` entries).
KNOWN_LICENSES = {
    "dl-de/by-2-0": ("Datenlizenz Deutschland – Namensnennung – Version 2.0", "https://www.govdata.de/dl-de/by-2-0"),
    "dl-de/zero-2-0": ("Datenlizenz Deutschland – Zero – Version 2.0", "https://www.govdata.de/dl-de/zero-2-0"),
    "CC-BY-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("Creative Commons Zero 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
}


class License(_Strict):
    """A licence as the Data Package describes it; `name` alone suffices for the licences in KNOWN_LICENSES."""

    name: str
    title: str | None = None
    path: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value

    def descriptor(self) -> dict:
        title, path = KNOWN_LICENSES.get(self.name, (None, None))
        found = {"name": self.name, "title": self.title or title, "path": self.path or path}
        return {k: v for k, v in found.items() if v}


class Contributor(_Strict):
    """A person or organisation behind the published data (Data Package `contributors`)."""

    title: str
    role: str = "contributor"
    organization: str | None = None
    email: str | None = None
    path: str | None = None


class Source(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    partner: str
    connector: Literal["file_drop", "sql", "http"]
    format: str
    location: str | None = None  # file_drop: folder or fsspec URL; http: base URL
    url_env: str | None = None  # sql: environment variable holding the SQLAlchemy URL
    url_default: str | None = None  # sql: URL used when the variable is unset (demo only; no credentials)
    options: dict[str, Any] = Field(default_factory=dict)
    mappings: dict[str, Any] = Field(default_factory=dict)
    expected_delivery: ExpectedDelivery | None = None
    schedule: str | None = None  # sql/http: cron (Europe/Berlin) on which the pull runs by itself
    description: str = ""
    license: License | None = None  # the licence the partner publishes the data under (datapackage.json)
    path: str | None = None  # where the partner publishes it (datapackage.json `sources`)
    # where its data come from, when not the configuration's data_origin: real_public for a public body's file as
    # published (deliveries.origin, the manifest, the report's banner)
    origin: Literal["real_public", "synthetic_demo", "partner_deliveries"] | None = None

    @field_validator("url_default")
    @classmethod
    def _no_credentials(cls, value: str | None) -> str | None:
        if value and re.search(r"://[^/@]+:[^/@]+@", value):
            raise ValueError("url_default must not contain credentials; put the URL in the environment variable")
        return value

    @model_validator(mode="after")
    def _connector_fields(self) -> Source:
        if self.connector == "file_drop" and not self.location:
            raise ValueError(f"source {self.id!r}: a file_drop source needs `location`")
        if self.connector == "http" and not self.location:
            raise ValueError(f"source {self.id!r}: an http source needs `location` (the base URL)")
        if self.connector == "sql" and not (self.url_env or self.url_default):
            raise ValueError(f"source {self.id!r}: an sql source needs `url_env` (or `url_default` for a demo)")
        return self


class Bounds(_Strict):
    min: float
    max: float


class ValidationSettings(_Strict):
    """Thresholds of the domain checks, and severities a district may change (`warn` or `error` per check name)."""

    yoy_max_factor: float = Field(1.5, gt=1, description="a value more than this factor above or below the previous "
                                  "year's is flagged")
    district_sum_tolerance_pct: float = Field(0.1, ge=0)
    directory_area_tolerance_pct: float = Field(1.0, ge=0, description="a configured area differing more from the "
                                                "municipality directory's is flagged")
    electricity_kwh_per_inhabitant: Bounds = Bounds(min=300, max=100_000)
    severity: dict[str, Literal["warn", "error"]] = Field(default_factory=dict)


class RequiredCell(_Strict):
    """Cells of one carrier every municipality (or the listed ones) must have each year, and the input kinds that
    must be in them (e.g. rail beside road transport in the transport electricity cell)."""

    sectors: list[str]
    municipalities: list[str] | None = None  # only these (e.g. where a district-heat network exists); none: all
    inputs: list[str] = Field(default_factory=list)  # input kinds (core_energy__inputs.input_kind) required inside


class BalanceSettings(_Strict):
    factor_set: str | None = None
    interpolate: list[str] = Field(default_factory=list)
    carry_forward: list[str] = Field(default_factory=list)
    heat_pump_spf: float = Field(3.2, gt=1)
    gas_hi_per_hs: float = Field(round(1 / 1.11, 6), gt=0.5, le=1, description="natural gas: net (Hi) = gross (Hs) × "
                                 "this ratio unless a delivery states its own; default 1 ÷ 1.11 (GEG / DIN V 18599)")
    facility_reclassified_from: str = "commerce"
    required_cells: dict[str, list[str] | RequiredCell | list[RequiredCell]] = Field(default_factory=dict)
    local_mix_factors: dict[str, float] = Field(default_factory=dict)  # technology -> g CO2e/kWh (local_mix view)
    weather_station: str | None = None  # DWD station of the degree days (weather_corrected view)
    space_heating_share: float = Field(0.75, ge=0, le=1)

    def required_specs(self) -> list[dict]:
        """`required_cells` as a flat list of {carrier, sectors, municipalities, inputs}."""
        specs = []
        for carrier, entry in self.required_cells.items():
            if isinstance(entry, RequiredCell):
                entries = [entry]
            elif entry and all(isinstance(e, str) for e in entry):
                entries = [RequiredCell(sectors=entry)]
            else:
                entries = entry
            specs += [{"carrier": carrier, **e.model_dump()} for e in entries]
        return specs


class ModelledSettings(_Strict):
    """Key figures of the modelled inputs (docs/methodology.md); empty means the input is not modelled."""

    full_load_hours: dict[str, float] = Field(default_factory=dict)  # technology -> hours a year (estimates)
    mastr_complete_from: int = 2019  # earlier years: capacity may miss units decommissioned before MaStR began
    heating: dict[str, Any] = Field(default_factory=dict)  # fuels, mwh_per_system, sector_by_power_class, ...
    transport: dict[str, Any] = Field(default_factory=dict)  # kwh_per_vkm(_electric), fuel_shares, biodiesel_blend, ...
    rail: dict[str, Any] = Field(default_factory=dict)  # kwh_per_train_km per category and traction
    solar_thermal: dict[str, Any] = Field(default_factory=dict)  # kwh_per_m2, sector


_TEXT = r"\S"  # a text councillors read: never empty (the report shows no empty label, `nan` or `None`)


class Target(_Strict):
    indicator_id: str = Field(pattern=ID_PATTERN)
    indicator: str
    title_de: str = Field(pattern=_TEXT)
    title_en: str
    scope: Literal["territorial_bisko", "bisko_plus_agriculture", "organisational"]
    unit: str
    definition: str
    definition_de: str = Field(pattern=_TEXT, description="the definition as the report shows it")
    notes_de: str | None = Field(None, pattern=_TEXT, description="caveats in German; none: no 'Hinweise' line")
    interpretation_de: str | None = Field(None, pattern=_TEXT, description="how to read the value, in German")
    source_de: str | None = Field(None, pattern=_TEXT, description="the target's own source; none: the set's")
    base_year: int | None = None
    target_year: int | None = None
    comparator: Literal[">=", "<="] | None = None
    target_value: float | None = None
    sector: str | None = None
    notes: str | None = None

    @model_validator(mode="after")
    def _complete_target(self) -> Target:
        parts = [self.target_year, self.comparator, self.target_value]
        if any(p is not None for p in parts) and (None in parts or self.base_year is None):
            raise ValueError(f"target {self.indicator_id!r}: base_year, target_year, comparator and target_value "
                             "go together")
        return self


class TargetSet(_Strict):
    source: str
    title_de: str = Field(pattern=_TEXT, description="the set's heading in the report")
    source_de: str = Field(pattern=_TEXT, description="where the targets come from, in German")
    targets: list[Target]


class IndicatorSettings(_Strict):
    trend_years: int = Field(5, ge=2, description="years in the least-squares trend projection")
    min_trend_years: int = Field(3, ge=2, description="no on/off-track status from a trend of fewer complete years")


class PublishingSettings(_Strict):
    keep_releases: int = Field(20, ge=1, description="older releases beyond this number are deleted (never latest)")
    sql_url_env: str | None = None  # environment variable with the SQLAlchemy URL to publish every release into
    sql_schema: str | None = None
    min_consumers: int | None = Field(None, ge=1, description="municipal cells resting on fewer consumers (metering "
                                      "points) than this are published as confidential; none: off")
    license: License | None = None  # the licence of the release itself (besides those of its sources)
    contributors: list[Contributor] = Field(default_factory=list)
    workbook: bool = Field(True, description="write the release's Excel workbook (exports/klimamonitor.xlsx); off: "
                           "a faster release, e.g. for a state, the country or a quick test")
    workbook_max_rows: int = Field(100_000, ge=1, le=1_048_575, description="a table with more rows than this has no "
                                   "sheet in the workbook (the first sheet names its CSV file instead): beyond about "
                                   "a hundred thousand rows a sheet is slow to open and filter, and it is most of "
                                   "the time to write the workbook of a state")


# The checked region table per (path, sha256 of its bytes, district key): DistrictConfig.municipalities.
_REGION_FILES: dict[tuple, pd.DataFrame] = {}


class DistrictConfig(_Strict):
    district: District
    data_origin: Literal["synthetic_demo", "partner_deliveries"]
    sources: list[Source] = Field(default_factory=list)
    validation: ValidationSettings = ValidationSettings()
    balance: BalanceSettings = BalanceSettings()
    modelled: ModelledSettings = ModelledSettings()
    indicators: IndicatorSettings = IndicatorSettings()
    publishing: PublishingSettings = PublishingSettings()

    def target_sets(self) -> dict[str, TargetSet]:
        """The configured target sets, validated; {} when the district configures none."""
        if not self.district.targets:
            return {}
        path = self.resolve(self.district.targets)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if not isinstance(raw, dict):
                raise ConfigError(f"{path}: expected a mapping of target-set ids to target sets")
            bad = [name for name in raw if not (isinstance(name, str) and re.fullmatch(ID_PATTERN[1:-1], name))]
            if bad:
                raise ConfigError(f"{path}: target-set id(s) {bad} are not ids (lower-case letters, digits and "
                                  "underscores, at most 64): they become file names and links of the report")
            return {name: TargetSet.model_validate(spec) for name, spec in raw.items()}
        except FileNotFoundError:
            raise ConfigError(f"{self.path}: district.targets file not found: {path}") from None
        except (yaml.YAMLError, ValidationError) as exc:
            raise ConfigError(f"{path}: invalid targets: {exc}") from None
    path: Path = Path(".")  # the file it was loaded from (set by load_config)

    @model_validator(mode="after")
    def _unique_sources(self) -> DistrictConfig:
        ids = [s.id for s in self.sources]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"source ids must be unique; repeated: {dupes}")
        return self

    def resolve(self, relative: str | Path) -> Path:
        """A path from the file: relative to the file's folder, or `package:` inside the installed project."""
        return resolve_path(self.path.parent, relative)

    def source(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise ConfigError(f"{self.path}: no source {source_id!r}; configured: {[s.id for s in self.sources]}")

    def package_metadata(self) -> dict[str, list[dict]]:
        """Licences, sources and contributors of the Data Package descriptor: the release's own licence and every
        source's (each named once), one source entry per configured source, the configured contributors."""
        licenses = {}
        for lic in [self.publishing.license, *(s.license for s in self.sources)]:
            if lic is not None:
                licenses.setdefault(lic.name, lic.descriptor())
        sources = []
        for s in self.sources:
            entry = {"title": f"{s.partner}: {s.description}" if s.description else s.partner}
            if s.path:
                entry["path"] = s.path
            if s.license:
                entry["klimamonitor:license"] = s.license.name
            sources.append(entry)
        contributors = [c.model_dump(exclude_none=True) for c in self.publishing.contributors]
        return {"licenses": list(licenses.values()), "sources": sources, "contributors": contributors}

    def municipalities(self) -> pd.DataFrame:
        """The region table (district row first), checked: keys valid and unique, municipalities inside the district.
        Checked once per content of the file (a run asks for it about a hundred times): a changed file is read anew."""
        path = self.resolve(self.district.municipalities)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ConfigError(f"{self.path}: district.municipalities file not found: {path}") from None
        stamp = (str(path), hashlib.sha256(data).hexdigest(), self.district.ags)
        if stamp not in _REGION_FILES:
            _REGION_FILES.clear()  # one region file at a time is what a process reads
            _REGION_FILES[stamp] = self._checked_municipalities(path, data)
        return _REGION_FILES[stamp].copy()

    def _checked_municipalities(self, path: Path, data: bytes) -> pd.DataFrame:
        frame = pd.read_csv(io.BytesIO(data), dtype={"ags": "str"}, encoding="utf-8")
        required = {"ags", "name", "kind", "area_ha"}
        if not required <= set(frame.columns):
            raise ConfigError(f"{path}: needs columns {sorted(required)}, has {list(frame.columns)}")
        problems = []
        bad = frame[~frame["ags"].astype(str).str.fullmatch(AGS_PATTERN[1:-1])]
        problems += [f"row {i + 2}: ags {v!r} is not an 8-digit key" for i, v in bad["ags"].items()]
        dup = frame[frame["ags"].duplicated()]
        problems += [f"row {i + 2}: ags {v} appears twice" for i, v in dup["ags"].items()]
        districts = frame[frame["kind"].isin([DISTRICT, CITY])]
        if list(districts["ags"]) != [self.district.ags]:
            problems.append(f"exactly one row of kind 'district' (or, for a district-free city, the one row of kind "
                            f"'{CITY}') with ags {self.district.ags} is required")
        elif districts["kind"].iloc[0] == CITY and len(frame) > 1:
            problems.append(f"a district-free city ({CITY}) is its only municipality: no other rows")
        prefix = region_prefix(self.district.ags)  # a district, a state or the whole country
        outside = frame[(frame["kind"] == "municipality") & ~frame["ags"].astype(str).str.startswith(prefix)]
        problems += [f"row {i + 2}: municipality {v} is not inside region {self.district.ags}"
                     for i, v in outside["ags"].items()]
        if problems:
            raise ConfigError(f"{path}: " + "; ".join(problems))
        return frame[["ags", "name", "kind", "area_ha"]].reset_index(drop=True)

    def delivery_origins(self) -> dict[str, str]:
        """Where each source's data come from (deliveries.origin): its own `origin`, else the data_origin."""
        return {s.id: s.origin or self.data_origin for s in self.sources}

    def tile_positions(self) -> dict[str, tuple[int, int]] | None:
        """The report's tile map: each municipality's (row, column) from the optional columns tile_row and tile_col
        of the municipalities file, checked (whole numbers from 0, one tile per place); None without them (the
        report then computes a grid)."""
        path = self.resolve(self.district.municipalities)
        frame = pd.read_csv(path, dtype={"ags": "str"}, encoding="utf-8")
        if not {"tile_row", "tile_col"} <= set(frame.columns):
            return None
        places = frame[frame["kind"] == "municipality"]
        try:
            cells = [(int(r), int(c)) for r, c in zip(places["tile_row"], places["tile_col"], strict=True)]
        except (TypeError, ValueError):
            raise ConfigError(f"{path}: tile_row and tile_col must be whole numbers for every municipality") from None
        if min((min(c) for c in cells), default=0) < 0 or len(set(cells)) != len(cells):
            raise ConfigError(f"{path}: tile_row/tile_col must be 0 or more, one tile per municipality")
        return dict(zip(places["ags"], cells, strict=True))

    def municipality_names(self) -> dict[str, str]:
        """Name of every key of the region (district included), for messages and reasons."""
        frame = self.municipalities()
        return dict(zip(frame["ags"], frame["name"], strict=True))

    def municipality_keys(self) -> list[str]:
        frame = self.municipalities()
        return sorted(frame.loc[frame["kind"].isin(["municipality", CITY]), "ags"])

    @property
    def is_city(self) -> bool:
        """A district-free city: the region is its one municipality (municipalities.csv: one row of kind CITY)."""
        return self.municipality_keys() == [self.district.ags]

    @property
    def totals_ags(self) -> str:
        """The key the region's totals are computed under: the district's; none ("") for a district-free city,
        whose municipality rows are the region's (the IO manager drops rows under "")."""
        return "" if self.is_city else self.district.ags

    def region(self) -> Region:
        """The region as parsers see it."""
        frame = self.municipalities()
        names = tuple(zip(frame["ags"], frame["name"], strict=True))
        return Region(self.district.ags, frozenset(self.municipality_keys()), names=names)


def _location(exc: dict) -> str:
    return ".".join(str(p) for p in exc["loc"]) or "(top level)"


def load_config(path: str | Path | None = None) -> DistrictConfig:
    """Load and validate a district configuration; raises ConfigError listing every problem with its place."""
    path = Path(path or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG).resolve()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {path}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping with keys district, data_origin, sources")
    try:
        cfg = DistrictConfig.model_validate({**raw, "path": path})
    except ValidationError as exc:
        problems = "\n".join(f"  - {_location(e)}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{path}: invalid configuration:\n{problems}") from None
    cfg.target_sets()  # ids checked now: they become file names and links of the report
    return cfg


def resolve_data_dir(data_dir: str | Path | None = None) -> Path:
    return Path(data_dir or os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR).resolve()
