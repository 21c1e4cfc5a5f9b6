"""The landing zone archives unchanged, recognises repeats, orders arrivals and refuses unsafe names."""

import datetime as dt
import json

import pytest

from sources.landing import LandingError, LandingZone, safe_file_name


def test_land_archives_bytes_and_registers_once(data_dir):
    zone = LandingZone(data_dir)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    entry, new = zone.land("grid", "Westnetz", "Strom_2021.csv", b"a;b\n1;2\n", now=now)
    assert new and entry.delivery_id.startswith("grid:") and entry.size_bytes == 8
    assert (data_dir / entry.landed_path).read_bytes() == b"a;b\n1;2\n"
    again, new_again = zone.land("grid", "Westnetz", "renamed.csv", b"a;b\n1;2\n", now=now)
    assert not new_again and again == entry
    second, _ = zone.land("grid", "Westnetz", "Strom_2021.csv", b"a;b\n1;3\n", now=now)
    assert second.received_at > entry.received_at  # strictly later even within the same clock tick
    register = json.loads((data_dir / "landing" / "register.json").read_text())
    assert [e["delivery_id"] for e in register] == [entry.delivery_id, second.delivery_id]
    assert (data_dir / entry.landed_path).read_bytes() == b"a;b\n1;2\n"  # the first is kept unchanged


@pytest.mark.parametrize("name", ["..", "../..", ".hidden", "a\x00b.csv", "x" * 300, "bad|name.csv"])
def test_unsafe_names_are_refused(name):
    with pytest.raises(LandingError):
        safe_file_name(name)


def test_path_components_are_dropped():
    assert safe_file_name("C:\\Daten\\Netzabsatz 2021.csv") == "Netzabsatz 2021.csv"
    assert safe_file_name("/drop/sub/Strom_2021.csv") == "Strom_2021.csv"
    assert safe_file_name("../../etc/passwd") == "passwd"  # lands inside the landing folder, nowhere else


def test_redeliver_puts_back_bytes_landed_before(data_dir):
    """`klimamonitor redeliver`: the same bytes again, registered as a new delivery received now; the archive is
    unchanged and the delivery table takes the re-delivery as the latest for its scope."""
    import pandas as pd

    from assets.compute.deliveries import delivery_table

    zone = LandingZone(data_dir)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    first, _ = zone.land("grid", "Westnetz", "Strom_2021.csv", b"old", now=now)
    fix, _ = zone.land("grid", "Westnetz", "Strom_2021_korrigiert.csv", b"new", now=now)
    back = zone.redeliver("grid", "Westnetz", "Strom_2021.csv", b"old", now=now)
    assert back.delivery_id == f"{first.delivery_id}~1" and back.landed_path == first.landed_path
    assert back.received_at > fix.received_at and (data_dir / first.landed_path).read_bytes() == b"old"
    assert [e.delivery_id for e in zone.register()] == [first.delivery_id, fix.delivery_id, back.delivery_id]
    register = pd.DataFrame([e.__dict__ for e in zone.register()])
    rows = pd.DataFrame({"delivery_id": [first.delivery_id, fix.delivery_id, back.delivery_id],
                         "source_row": [5, 5, 5], "ags": ["05974004"] * 3, "year": [2021] * 3})
    empty = pd.DataFrame(columns=["source_id", "delivery_id", "source_row", "column", "raw_value", "reason",
                                  "finding_kind"])
    table = delivery_table(register, {"raw_grid_sheet__energy": rows}, {"raw_grid_sheet__energy": empty}).set_index("delivery_id")
    assert table.loc[back.delivery_id, "status"] == "accepted"
    assert table.loc[fix.delivery_id, "status"] == "superseded"
    assert table.loc[fix.delivery_id, "superseded_by"] == back.delivery_id


def test_a_rejected_delivery_is_replaced_by_a_corrected_file_under_another_name():
    import pandas as pd

    from assets.compute.deliveries import delivery_table

    register = pd.DataFrame([{"delivery_id": d, "source_id": "grid", "partner": "W", "file_name": f,
                              "landed_path": f"landing/{f}", "sha256": "0" * 64, "size_bytes": 1,
                              "received_at": f"2026-01-0{i}T00:00:00+00:00"}
                             for i, (d, f) in enumerate([("grid:a", "Strom_2021.csv"),
                                                         ("grid:b", "Korrektur Strom 2021.csv")], start=1)])
    keys = [f"0597{i:04d}" for i in range(10)]
    rows = pd.DataFrame({"delivery_id": ["grid:a"] * 4 + ["grid:b"] * 10, "source_row": list(range(14)),
                         "ags": keys[:4] + keys, "year": [2021] * 14})
    bad = pd.DataFrame([{"source_id": "grid", "delivery_id": "grid:a", "source_row": 10 + i, "column": "c",
                         "raw_value": "x", "reason": "not a number", "finding_kind": "rejected"} for i in range(6)])
    table = delivery_table(register, {"raw_grid_sheet__energy": rows}, {"raw_grid_sheet__energy": bad}).set_index("delivery_id")
    assert table.loc["grid:b", "status"] == "accepted"
    assert table.loc["grid:a", "status"] == "superseded" and "had been rejected" in table.loc["grid:a", "status_reason"]
