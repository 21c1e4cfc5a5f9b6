"""docs/configuration.md, "Your district in ten minutes", followed step by step: the commands and the YAML are read
from the document's code blocks, so the document and this test cannot drift apart."""

import re
import shlex
import subprocess

import pandas as pd
import pytest
from click.testing import CliRunner

from assets.config import PROJECT_ROOT
from pipelines.cli import main
from warehouse.release import latest_release

DOC = PROJECT_ROOT / "docs" / "configuration.md"
SECTION = "## Ihr Kreis in zehn Minuten / Your district in ten minutes"


def steps() -> list[tuple[str, str]]:
    """(language, body) of every code block of the walk-through, in order."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(SECTION):]
    section = section[:section.index("\n## ", len(SECTION))]
    return re.findall(r"```(\w+)\n(.*?)```", section, flags=re.S)


def test_the_walkthrough_runs_as_written(tmp_path, monkeypatch):
    for folder in ("tests", "sources"):  # the checkout the document speaks of, with the user's folder beside it
        (tmp_path / folder).symlink_to(PROJECT_ROOT / folder)
    monkeypatch.chdir(tmp_path)
    blocks = steps()
    assert [language for language, _ in blocks] == ["sh", "sh", "yaml", "sh"]
    outputs = []
    for language, body in blocks:
        if language == "yaml":
            with open("mein-kreis/district.yaml", "a", encoding="utf-8") as config:
                config.write(body)
            continue
        for line in body.strip().splitlines():
            words = shlex.split(line)
            if words[0] == "klimamonitor":
                result = CliRunner().invoke(main, words[1:])
                assert result.exit_code == 0, f"{line}\n{result.output}"
                outputs.append(result.output)
            else:
                subprocess.run(words, check=True, cwd=tmp_path)
    init, check, run, sql = outputs
    assert "wrote mein-kreis/district.yaml" in init
    assert "configuration OK" in check
    assert "warning: sources: no population source configured" in check
    release = latest_release(tmp_path / "mein-kreis" / "data")
    assert release is not None and "published" in run
    energy = pd.read_parquet(release / "final_energy.parquet")
    cell = energy[(energy["ags"] == "05974028") & (energy["year"] == 2021) & (energy["sector"] == "industry")
                  & (energy["carrier"] == "electricity")]
    # Lippstadt's metered industry (RLM Industrie) in the demo's 2021 sheet, read by hand: 261.422.037 kWh
    assert cell["final_energy_mwh"].tolist() == [pytest.approx(261_422.037)]
    indicators = pd.read_parquet(release / "indicators.parquet")
    assert indicators.empty  # the configuration names no targets yet
    assert "05974000" in sql and "industry" in sql

