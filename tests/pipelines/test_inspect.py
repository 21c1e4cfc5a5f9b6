"""`klimamonitor inspect` names the format of every real file in tests/fixtures/real/ (recognised by content)."""

from pathlib import Path

from click.testing import CliRunner

from pipelines.cli import main

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
    assert "rows read in the region (05974000): 15" in blocks[files.index("kba/fz3_2021.xlsx")]


def test_an_unknown_file_is_not_readable(tmp_path):
    odd = tmp_path / "notes.txt"
    odd.write_text("a;b\n1;2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["inspect", str(odd)])
    assert result.exit_code == 1 and "none of klimamonitor's formats fits" in result.output
