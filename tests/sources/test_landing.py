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
