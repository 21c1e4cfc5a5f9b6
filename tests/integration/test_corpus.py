"""The bad-input corpus (tests/corpus/<case>/expected.yaml): every malformed delivery gets one clear message naming
file, row and column, and nothing landed or published before is lost or changed.

Each case is checked twice: the parser alone (error class or rejected rows, message fragments), and the whole
pipeline (a good baseline delivery is published first; then the bad delivery arrives: the run fails at the source's
check with the message, `published/latest` and the landing zone stay byte-identical).
"""

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipelines.cli import main
from sources import errors
from sources.formats import read_delivery
from sources.parsers.common import Delivery
from sources.region import Region
from warehouse.release import latest_release

from ..configs import write_config

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
PRESETS = yaml.safe_load((CORPUS / "sources.yaml").read_text(encoding="utf-8"))
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.yaml").exists())
REGION = Region("05974000", frozenset(f"05974{n:03d}" for n in range(4, 57, 4)))


def _case(name: str) -> tuple[dict, dict, Path]:
    expected = yaml.safe_load((CORPUS / name / "expected.yaml").read_text(encoding="utf-8"))
    return expected, PRESETS[expected["source"]], CORPUS / name / expected["delivery"]


def test_corpus_covers_the_required_defects():
    required = {"wrong_encoding", "wrong_separator", "missing_column", "renamed_column", "invalid_key", "non_numeric",
                "negative_consumption", "kwh_declared_as_mwh", "duplicated_keys", "empty_file", "truncated_file",
                "extra_header_row"}  # fmt: skip
    assert required <= set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_parser_reports_the_defect(name, record_property):
    record_property("figure:bad-input cases tried (parser)", 1)
    expected, preset, path = _case(name)
    delivery = Delivery("corpus:0000000000000000", "corpus_src", path.name, path.read_bytes())
    if expected["error"] == "rejected_rows":
        _, result = read_delivery(preset["format"], preset["options"], preset.get("mappings", {}), REGION, delivery)
        messages = [f.reason for f in result.findings if f.kind == "rejected"]
        assert messages, "the delivery should have rejected rows"
        text = "\n".join(messages)
    else:
        with pytest.raises(getattr(errors, expected["error"])) as err:
            read_delivery(preset["format"], preset["options"], preset.get("mappings", {}), REGION, delivery)
        text = str(err.value)
    assert "source 'corpus_src'" in text and f"file '{path.name}'" in text
    for fragment in expected["message"]:
        assert fragment in text, f"{fragment!r} not in {text!r}"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


_BASELINES: dict[str, Path] = {}


def _baseline(preset_name: str, preset: dict, root: Path) -> Path:
    """A data directory in which the preset's good baseline delivery has been published (built once per preset)."""
    if preset_name not in _BASELINES:
        folder = root / f"baseline-{preset_name}"
        drop = folder / "drop"
        drop.mkdir(parents=True)
        shutil.copy(CORPUS / preset["baseline"], drop)
        cfg = _config(folder, drop, preset)
        result = CliRunner().invoke(main, ["run", "--no-history", "--config", str(cfg), "--data-dir", str(folder / "data")])
        assert result.exit_code == 0, result.output
        _BASELINES[preset_name] = folder
    return _BASELINES[preset_name]


def _config(folder: Path, drop: Path, preset: dict) -> Path:
    # a quarantine threshold of zero: every corpus case has bad rows, and each must stop the run with its message
    # (with the default threshold a few bad rows are only quarantined: tests/assets/test_deliveries.py)
    options = {"quarantine": {"max_share": 0.0, "max_rows": 0}, **preset["options"]}
    return write_config(folder / "district.yaml", [
        {"id": "corpus_src", "partner": preset["partner"], "connector": "file_drop", "location": str(drop),
         "format": preset["format"], "options": options, "mappings": preset.get("mappings", {})}])


def _pipeline_rejects_and_keeps_what_was_there(name, tmp_path, tmp_path_factory, record_property):
    record_property("figure:bad-input cases tried (pipeline)", 1)
    expected, preset, path = _case(name)
    baseline = _baseline(expected["source"], preset, tmp_path_factory.getbasetemp())
    shutil.copytree(baseline, tmp_path / "case", symlinks=True)
    folder = tmp_path / "case"
    data = folder / "data"
    cfg = _config(folder, folder / "drop", preset)
    release = latest_release(data)
    published_before = _snapshot(release)
    landing_before = _snapshot(data / "landing" / "corpus_src")

    shutil.copy(path, folder / "drop")
    second = CliRunner().invoke(main, ["run", "--no-history", "--config", str(cfg), "--data-dir", str(data)])
    assert second.exit_code == 1, second.output
    # the verdict of every check that ran: the source's readable check fails, every other one passes
    assert re.findall(r"check (\S+) on \S+: (?:FAILED|warning)", second.output) == ["corpus_src_deliveries_readable"]
    assert re.findall(r"\] (\S+) +FAILED", second.output) == ["deliveries"], second.output
    assert "blocking check corpus_src_deliveries_readable did not pass" in second.output
    assert "dagster._core" not in second.output and "Traceback" not in second.output
    for fragment in expected["message"]:
        assert fragment in second.output, f"{fragment!r} not in the run output"
    assert "published/latest is unchanged" in second.output
    assert latest_release(data) == release and _snapshot(release) == published_before
    landing_after = _snapshot(data / "landing" / "corpus_src")
    assert {k: v for k, v in landing_after.items() if k in landing_before} == landing_before
    assert path.read_bytes() in landing_after.values()  # the bad delivery is archived unchanged too


# The pipeline runs are the slow part of the suite: two classes, so that xdist (--dist loadscope) gives each worker
# one half; the cases are ordered by preset, so that the halves share at most one baseline.
BY_PRESET = sorted(CASES, key=lambda n: (_case(n)[0]["source"], n))
HALF = len(BY_PRESET) // 2
@pytest.mark.integration
class TestPipelineFirstHalf:
    @pytest.mark.parametrize("name", BY_PRESET[:HALF])
    def test_pipeline_rejects_and_keeps_what_was_there(self, name, tmp_path, tmp_path_factory, record_property):
        _pipeline_rejects_and_keeps_what_was_there(name, tmp_path, tmp_path_factory, record_property)


@pytest.mark.integration
class TestPipelineSecondHalf:
    @pytest.mark.parametrize("name", BY_PRESET[HALF:])
    def test_pipeline_rejects_and_keeps_what_was_there(self, name, tmp_path, tmp_path_factory, record_property):
        _pipeline_rejects_and_keeps_what_was_there(name, tmp_path, tmp_path_factory, record_property)

