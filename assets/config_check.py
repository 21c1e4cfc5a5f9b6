"""The configuration check that runs before anything else (`klimamonitor check-config`, first step of `run`): every
problem of a district configuration at once, as messages, never a traceback.

Errors (the run would fail or silently miss data): invalid YAML or fields, unknown format names (with the closest
known names), unknown options of a format, folders and files that do not exist, no factor set, duplicate source
ids, a bad municipality table. Warnings: targets whose indicators need a source family no source belongs to (they
will be `not_assessable`), a factor set no source delivers, no population source. Every path is reported resolved.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from assets.compute.families import FAMILY, configured_families, unconfigured_for
from assets.compute.statistics import source_rules
from assets.config import ConfigError, DistrictConfig, load_config, resolve_path, resolve_sqlite
from sources.formats import FORMATS, known_options
from sources.parsers.tidy import TIDY_SPECS, layout_problems

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    level: str  # ERROR | WARNING
    where: str  # place in the file, e.g. sources[2] (westnetz_gas).format
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message}"


@dataclass
class CheckReport:
    path: Path
    problems: list[Problem] = field(default_factory=list)
    resolved: list[tuple[str, Path]] = field(default_factory=list)  # (place, resolved path) of every path checked
    config: DistrictConfig | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == WARNING]

    def add(self, level: str, where: str, message: str) -> None:
        self.problems.append(Problem(level, where, message))


def _closest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    return f"did you mean {' or '.join(repr(c) for c in close)}?" if close else f"known: {', '.join(sorted(known))}"


def _source_where(index: int, raw: dict) -> str:
    return f"sources[{index}] ({raw.get('id', '?')})"


def _check_path(report: CheckReport, base: Path, where: str, text: str, *, folder: bool) -> None:
    path = resolve_path(base, text)
    report.resolved.append((where, path))
    if folder and not path.is_dir():
        report.add(ERROR, where, f"folder does not exist: {path}" if not path.exists() else f"not a folder: {path}")
    elif not folder and not path.is_file():
        report.add(ERROR, where, f"file does not exist: {path}")


def _check_sources(report: CheckReport, raw_sources: list, base: Path) -> None:
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_sources):
        if not isinstance(raw, dict):
            continue  # the field validation below says what is wrong
        where = _source_where(index, raw)
        source_id, fmt, connector = raw.get("id"), raw.get("format"), raw.get("connector")
        if source_id in seen:
            report.add(ERROR, f"{where}.id", f"source id {source_id!r} is used twice (also sources[{seen[source_id]}])")
        seen.setdefault(source_id, index)
        if isinstance(fmt, str) and fmt not in FORMATS:
            report.add(ERROR, f"{where}.format", f"unknown format {fmt!r}; {_closest(fmt, list(FORMATS))}")
        elif isinstance(fmt, str):
            allowed = known_options(fmt, str(connector))
            for option in raw.get("options") or {}:
                if option not in allowed:
                    report.add(ERROR, f"{where}.options.{option}", f"format {fmt!r} has no option {option!r}; "
                               f"{_closest(option, sorted(allowed))}")
            if fmt == "genesis_table" and isinstance(raw.get("mappings") or {}, dict):
                try:
                    source_rules(raw.get("mappings") or {}, where)
                except ValueError as exc:
                    report.add(ERROR, f"{where}.mappings.statistics", str(exc).split(": ", 1)[-1])
            if fmt in TIDY_SPECS and isinstance(raw.get("options") or {}, dict):
                for problem in layout_problems(TIDY_SPECS[fmt], raw.get("options") or {}, raw.get("mappings") or {}):
                    report.add(ERROR, f"{where}.{problem.split()[0].split('.')[0]}", problem)
        placeholders = isinstance(raw.get("mappings"), dict) and fmt not in TIDY_SPECS  # (tidy: layout_problems)
        for vocabulary, words in raw["mappings"].items() if placeholders else ():
            for word, code in (words.items() if isinstance(words, dict) else ()):
                if isinstance(code, str) and code.startswith("<") and code.endswith(">"):
                    report.add(ERROR, f"{where}.mappings.{vocabulary}", f"{word!r}: the placeholder {code} is still "
                               "there (inspect writes it where only the partner or you can say the value)")
        location = raw.get("location")
        if connector == "file_drop" and isinstance(location, str) and "://" not in location:
            _check_path(report, base, f"{where}.location", location, folder=True)
        url = raw.get("url_default")
        in_use = connector == "sql" and isinstance(url, str) and not os.environ.get(str(raw.get("url_env") or ""))
        if in_use and url.startswith("sqlite:///"):  # the demo database this source reads when no URL is set
            _check_path(report, base, f"{where}.url_default", resolve_sqlite(base, url)[len("sqlite:///"):],
                        folder=False)


def _check_factor_set(report: CheckReport, raw: dict, sources: list) -> None:
    balance = raw.get("balance") if isinstance(raw.get("balance"), dict) else {}
    factor_set = balance.get("factor_set")
    if not factor_set:
        report.add(ERROR, "balance.factor_set", "no factor set: name the factor_set of a source of format "
                   "emission_factors (the bundled one: lca_compiled_2026 in package:config/kreis_soest/factors)")
    elif not any(isinstance(s, dict) and s.get("format") == "emission_factors" for s in sources):
        report.add(WARNING, "balance.factor_set", f"factor set {factor_set!r} is named, but no source of format "
                   "emission_factors is configured: every emission will be missing")


def _check_fields(report: CheckReport, raw: dict, duplicates_reported: bool) -> DistrictConfig | None:
    try:
        return load_config(report.path)
    except ConfigError as exc:
        lines = [line.strip().removeprefix("- ") for line in str(exc).splitlines()[1:]]
        if not lines:
            report.add(ERROR, "(file)", str(exc))
        for line in lines:
            if duplicates_reported and "source ids must be unique" in line:
                continue
            where, _, message = line.partition(": ")
            report.add(ERROR, where if message else "(file)", message or line)
    except ValidationError as exc:  # targets file
        report.add(ERROR, "district.targets", str(exc))
    return None


def _check_meaning(report: CheckReport, cfg: DistrictConfig) -> None:
    """What a valid configuration can still get wrong: the region table, the factor set, targets without sources."""
    try:
        cfg.municipalities()
    except ConfigError as exc:
        report.add(ERROR, "district.municipalities", str(exc))
    formats = [s.format for s in cfg.sources]
    families = configured_families(formats)
    if not cfg.balance.required_cells:
        report.add(WARNING, "balance.required_cells", "no required cells: no total can show that it is whole, so "
                   "the balance is never BISKO-conformant; list BISKO's required cells (klimamonitor init writes "
                   "them, docs/configuration.md)")
    if "population" not in families:
        report.add(WARNING, "sources", "no population source configured: per-inhabitant figures will be missing "
                   "and their indicators not_assessable")
    try:
        target_sets = cfg.target_sets()
    except ConfigError as exc:
        report.add(ERROR, "district.targets", str(exc))
        return
    for set_name, target_set in target_sets.items():
        for target in target_set.targets:
            missing = unconfigured_for(target.indicator, target.sector, formats)
            if missing:
                words = ", ".join(FAMILY[f].words for f in missing)
                report.add(WARNING, f"targets {set_name}/{target.indicator_id}",
                           f"needs a {words} source; none is configured, so it will be not_assessable")


def check_config(path: str | Path) -> CheckReport:
    """Every problem of the configuration at `path` (errors and warnings), and the paths it names, resolved."""
    report = CheckReport(Path(path).resolve())
    try:
        raw = yaml.safe_load(report.path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        report.add(ERROR, "(file)", f"configuration file not found: {report.path}")
        return report
    except yaml.YAMLError as exc:
        report.add(ERROR, "(file)", f"not valid YAML: {exc}")
        return report
    if not isinstance(raw, dict):
        report.add(ERROR, "(file)", "expected a mapping with keys district, data_origin, sources")
        return report
    base = report.path.parent
    district = raw.get("district") if isinstance(raw.get("district"), dict) else {}
    for key in ("municipalities", "targets", "published_figures"):
        if isinstance(district.get(key), str):
            _check_path(report, base, f"district.{key}", district[key], folder=False)
    sources = raw.get("sources") if isinstance(raw.get("sources"), list) else []
    _check_sources(report, sources, base)
    _check_factor_set(report, raw, sources)
    duplicates = any("is used twice" in p.message for p in report.problems)
    files_missing = any("does not exist" in p.message for p in report.problems if p.where.startswith("district."))
    cfg = _check_fields(report, raw, duplicates)
    if cfg is not None:
        report.config = cfg
        if not files_missing:
            _check_meaning(report, cfg)
    return report


def render(report: CheckReport, paths: bool = True) -> list[str]:
    """The report as lines for the terminal: the configuration, the resolved paths (`paths`, and always when there
    is an error), the problems, the verdict."""
    lines = [f"configuration: {report.path}"]
    if report.resolved and (paths or report.errors):
        lines.append("paths (resolved):")
        lines += [f"  {where}: {path}" for where, path in report.resolved]
    lines += [f"  {p}" for p in report.errors + report.warnings]
    if report.errors:
        lines.append(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s): fix the errors above; "
                     "nothing was run")
    else:
        lines.append(f"configuration OK ({len(report.warnings)} warning(s))")
    return lines
