"""Property-based fuzzing of every parser (hypothesis, derandomised so every run tries the same cases): random bytes
and mutations of a realistic delivery — bytes flipped, inserted, deleted, the file cut short, lines doubled,
separators swapped, a huge single line. Whatever the input, a parser either refuses the file with a DeliveryError
(a clear message naming source and file) or returns rows that all carry their lineage (delivery_id and a source row),
within a minute per case (no hang; not a speed target), and never raises anything else."""

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sources.errors import DeliveryError
from sources.formats import FORMATS, read_delivery
from sources.parsers.common import Delivery
from sources.region import Region


ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "_baseline"
DEMO = ROOT / "sources" / "demo" / "fixtures" / "kreis_soest"
REGION = Region("05974000", frozenset(f"05974{n:03d}" for n in range(4, 57, 4)))
INTERVAL_SAMPLE = (b"meter_id,building_id,carrier,timestamp,value,kind,meter_exchange\n"
                   + gzip.decompress((DEMO / "lastgang" / "Lastgang_KS-002-W_2024.csv.gz").read_bytes())[:6000])

# format -> (file name, options, realistic seed bytes)
SEEDS = {
    "grid_sheet": ("Netzabsatz_Strom_2020.csv", {"carrier": "electricity", "encoding": "cp1252"},
                   (CORPUS / "grid_electricity" / "Netzabsatz_Strom_2020.csv").read_bytes()),
    "genesis_population": ("12411_2020_flat.csv", {}, (CORPUS / "genesis_population" / "12411_2020_flat.csv").read_bytes()),
    "mastr_csv": ("Einheiten.csv", {}, (CORPUS / "mastr_csv" / "Einheiten_2021.csv").read_bytes()),
    "mastr_xml": ("EinheitenWind_1.xml", {}, (CORPUS / "mastr_xml" / "EinheitenWind_1.xml").read_bytes()),
    "eeg_feed_in": ("EEG.csv", {}, (CORPUS / "eeg_feed_in" / "EEG_2020.csv").read_bytes()),
    "chimney_sweep": ("Feuerstaetten.csv", {"encoding": "cp1252"},
                      (CORPUS / "chimney_sweep" / "Feuerstaetten_2020.csv").read_bytes()),
    "vehicle_km": ("Fahrleistungen.csv", {}, (CORPUS / "vehicle_km" / "Fahrleistungen_2020.csv").read_bytes()),
    "rail_train_km": ("Zugkilometer.csv", {}, b"".join((DEMO / "verkehr" / "Zugkilometer_2007-2024.csv").read_bytes()
                                                      .splitlines(keepends=True)[:60])),
    "solar_thermal": ("Kollektorflaechen.csv", {}, b"".join((DEMO / "solarthermie" / "Kollektorflaechen_2007-2024.csv")
                                                            .read_bytes().splitlines(keepends=True)[:60])),
    "renovations": ("Sanierungen.csv", {}, (CORPUS / "renovations" / "Sanierungen_2020.csv").read_bytes()),
    "building_stock": ("Zensus.csv", {}, (CORPUS / "building_stock" / "Zensus_2011.csv").read_bytes()),
    "ets": ("EUTL.csv", {}, (CORPUS / "ets" / "EUTL_2020.csv").read_bytes()),
    "agriculture": ("Landwirtschaft.csv", {}, (CORPUS / "agriculture" / "Landwirtschaft_2020.csv").read_bytes()),
    "vehicle_stock": ("Pkw.csv", {}, (CORPUS / "vehicle_stock" / "Pkw_2020.csv").read_bytes()),
    "degree_days": ("Gradtage.csv", {}, (CORPUS / "degree_days" / "Gradtage_2020.csv").read_bytes()),
    "district_heat_factors": ("Faktoren.csv", {},
                              (CORPUS / "district_heat_factors" / "Faktoren_2020.csv").read_bytes()),
    "emission_factors": ("factors.csv", {},
                         (ROOT / "config" / "kreis_soest" / "factors" / "lca_compiled_2026.csv").read_bytes()),
    "final_energy": ("energy.json", {}, b'[{"ags": "05974028", "year": 2022, "sector": "municipal", "carrier": '
                     b'"heating_oil", "final_energy_mwh": 812.5, "data_quality": "A"}]'),
    "interval_csv": ("Lastgang.csv", {}, INTERVAL_SAMPLE),
    "key_changes": ("Gebietsaenderungen.csv", {}, "Gemeindeschlüssel alt;Gemeindeschlüssel neu;Wirksamkeit;Anteil "
                    "Bevölkerung\n05974999;05974004;01.01.2021;\n05974998;05974004;01.01.2021;0,6\n05974998;"
                    "05974008;01.01.2021;0,4\n".encode()),
    "facility_db": ("meter_readings.csv", {}, b"meter_id,building_id,carrier,reading_date,reading_value,reading_unit,"
                    b"reading_kind,meter_exchange\nKS-001-E,KS-001,electricity,2020-01-01,100.5,kWh,counter,0\n"
                    b"KS-001-E,KS-001,electricity,2020-02-01,200.5,kWh,counter,0\n"),
}
EXAMPLES = 200
LARGE_SEED_EXAMPLES = 50  # a seed over 1 MB (the real Auszug GV) costs a whole-file parse per example
REAL = ROOT / "tests" / "fixtures" / "real"


def _real_head(name: str, lines: int) -> bytes:
    """The first lines of a real file (seeds are kept small: the real files are read whole in test_real_files)."""
    return b"".join((REAL / name).read_bytes().splitlines(keepends=True)[:lines])


def _ags_history_sample() -> bytes:
    payload = json.loads((REAL / "destatis" / "Destatis.AGS.Historie_2021-12-31.json").read_bytes())
    payload["daten"] = payload["daten"][:60]
    return json.dumps(payload, ensure_ascii=False).encode()


SEEDS.update({
    "genesis_table": ("12411-15i.csv", {}, (REAL / "itnrw" / "12411-15i.csv").read_bytes()),
    "dwd_degree_days": ("gradtage_202001.csv", {}, _real_head("dwd/gradtage_202001.csv", 60)),
    "kba_fz3": ("fz3_2021.xlsx", {}, (REAL / "kba" / "fz3_2021.xlsx").read_bytes()),
    "gv100ad": ("GV100AD_311217.ASC", {}, _real_head("destatis/GV100AD_311217.ASC", 200)),
    "auszug_gv": ("31122023_Auszug_GV.xlsx", {}, (REAL / "destatis" / "31122023_Auszug_GV.xlsx").read_bytes()),
    "territorial_changes": ("2023.xlsx", {}, (REAL / "destatis" / "Gebietsaenderungen_2023.xlsx").read_bytes()),
    "ags_history": ("Destatis.AGS.Historie.json", {}, _ags_history_sample()),
    "measures": ("Arbeitsprogramm.csv", {}, b"".join((DEMO / "massnahmen" / "Arbeitsprogramm_2025-03.csv")
                                                     .read_bytes().splitlines(keepends=True)[:15])),
    "eea_assessment": ("eea.csv", {}, (DEMO / "eea" / "eea_Bewertung_2021_2024.csv").read_bytes()),
})


def test_every_format_has_a_seed():
    assert set(SEEDS) == set(FORMATS)


@st.composite
def mutated(draw, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "double_line", "separator", "long_line",
                                     "random"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif kind == "truncate":
            del data[at:]
        elif kind == "double_line":
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            data = bytearray(b"\n".join([*lines[:i + 1], lines[i], *lines[i + 1:]]))
        elif kind == "separator":
            a, b = draw(st.sampled_from([(b";", b","), (b",", b";"), (b",", b"."), (b"\n", b"\r"), (b'"', b"")]))
            data = bytearray(bytes(data).replace(a, b))
        elif kind == "long_line":
            data[at:at] = b"9" * 200_000
        else:
            data = bytearray(draw(st.binary(max_size=512)))
    return bytes(data)


def _check(fmt: str, name: str, options: dict, data: bytes) -> None:
    delivery = Delivery("fuzz:0123456789abcdef", "fuzz_src", name, data)
    try:
        _, result = read_delivery(fmt, options, {}, REGION, delivery)
    except DeliveryError as exc:
        assert "source 'fuzz_src'" in str(exc) and name in str(exc)
        return
    rows = result.rows
    assert (rows["delivery_id"] == "fuzz:0123456789abcdef").all()
    assert rows["source_row"].notna().all() and (rows["source_row"].astype("int64") >= 0).all()
    for finding in result.findings:
        assert finding.delivery_id == "fuzz:0123456789abcdef" and finding.reason


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_parsers_survive_mutated_deliveries(fmt, record_property):
    name, options, seed = SEEDS[fmt]
    _check(fmt, name, options, seed)  # the seed itself parses
    tried = [1]

    examples = EXAMPLES if len(seed) <= 2**20 else LARGE_SEED_EXAMPLES

    @settings(max_examples=examples, deadline=60_000, derandomize=True, database=None,  # a hang, not a speed limit
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.one_of(mutated(seed), st.binary(max_size=256)))
    def fuzz(data):
        tried[0] += 1
        _check(fmt, name, options, data)

    fuzz()
    record_property("figure:fuzz cases tried", tried[0])
