"""The work programme's computations on lists stated here: status history across three deliveries, the overdue
rules, the eea share and award level at its thresholds, and the gap sums per target. Expected values come from the
lists in each test."""

import datetime as dt

import pandas as pd
import pytest

from assets.compute.measures import (award, eea_table, measure_versions, measures_table, status_history,
                                     target_measures_table)
from sources.formats import read_delivery
from sources.parsers.common import Delivery
from sources.region import Region

REGION = Region("05974000", frozenset({"05974028", "05974040"}))
HEADER = "Nr.;Titel;Handlungsfeld;Status;Ende;Budget geplant (EUR);Budget verausgabt (EUR);" \
         "Einsparung (t CO2e/a);Einsparung (MWh/a);Ziele;Letzte Aktualisierung\n"


def _list(delivery_id: str, body: str) -> pd.DataFrame:
    delivery = Delivery(delivery_id, "klima", f"{delivery_id}.csv", (HEADER + body).encode())
    _, result = read_delivery("measures", {}, {}, REGION, delivery)
    assert result.findings == []
    return result.rows


def _deliveries(*ids: str, rejected: tuple[str, ...] = ()) -> pd.DataFrame:
    return pd.DataFrame({"delivery_id": list(ids), "source_id": "klima",
                         "status": ["rejected" if d in rejected else "accepted" for d in ids],
                         "received_at": pd.date_range("2026-01-01", periods=len(ids), tz="UTC")})


# Three deliveries a year apart (dated by their latest update), delivered out of order: the 2025 list arrives first.
LISTS = {
    "d2025": "M1;Radwege;Mobilität;in Umsetzung;;100;60;;;;01.03.2025\n"
             "M3;Kampagne;Kommunikation und Kooperation;in Umsetzung;;10;10;;;;01.02.2025\n",
    "d2023": "M1;Radwege;Mobilität;geplant;;100;0;;;;01.03.2023\nM2;Solardach;Versorgung und Entsorgung;"
             "geplant;;50;0;;;;01.03.2023\n",
    "d2024": "M1;Radwege;Mobilität;in Umsetzung;;120;20;;;;01.03.2024\nM2;Solardach;Versorgung und Entsorgung;"
             "gestoppt;;50;0;;;;01.03.2024\nM3;Kampagne;Kommunikation und Kooperation;geplant;;10;0;;;;01.03.2024\n",
}


def test_status_history_across_three_deliveries():
    raw = pd.concat([_list(d, body) for d, body in LISTS.items()], ignore_index=True)
    history = status_history(measure_versions(raw, _deliveries(*LISTS)))
    got = {(r.measure_id, str(r.list_date)): tuple(None if pd.isna(v) else v for v in (
        r.history_change, r.previous_status, r.measure_status, r.budget_planned_change_eur, r.budget_spent_change_eur))
        for r in history.itertuples()}
    nan = None
    assert got == {
        ("M1", "2023-03-01"): ("first_listed", None, "planned", nan, nan),
        ("M2", "2023-03-01"): ("first_listed", None, "planned", nan, nan),
        ("M1", "2024-03-01"): ("status_and_budget_changed", "planned", "in_progress", 20.0, 20.0),
        ("M2", "2024-03-01"): ("status_changed", "planned", "stopped", 0.0, 0.0),
        ("M3", "2024-03-01"): ("first_listed", None, "planned", nan, nan),
        ("M1", "2025-03-01"): ("budget_changed", "in_progress", "in_progress", -20.0, 40.0),
        ("M2", "2025-03-01"): ("not_in_list", "stopped", None, nan, nan),
        ("M3", "2025-03-01"): ("status_and_budget_changed", "planned", "in_progress", 0.0, 10.0),
    }


def test_a_rejected_delivery_is_not_in_the_history():
    raw = pd.concat([_list(d, body) for d, body in LISTS.items()], ignore_index=True)
    history = status_history(measure_versions(raw, _deliveries(*LISTS, rejected=("d2024",))))
    m1 = history[history["measure_id"] == "M1"]
    assert list(m1["history_change"]) == ["first_listed", "status_and_budget_changed"]
    assert list(m1["budget_planned_change_eur"].fillna(-1)) == [-1, 0.0]


def test_overdue_by_age_of_the_last_update_and_by_a_passed_end_date():
    rows = _list("d", "A;stale;Mobilität;in Umsetzung;;;;;;;01.03.2024\n"      # 366 days before 02.03.2025
                      "B;fresh;Mobilität;in Umsetzung;;;;;;;02.03.2024\n"      # exactly 365 days: not overdue
                      "C;late;Mobilität;verzögert;01.03.2025;;;;;;01.03.2025\n"  # end before the list date
                      "D;done;Mobilität;abgeschlossen;01.01.2024;;;;;;01.01.2023\n"  # completed: never overdue
                      "E;stopped;Mobilität;gestoppt;01.01.2024;;;;;;01.01.2023\n"
                      "F;due today;Mobilität;in Umsetzung;02.03.2025;;;;;;02.03.2025\n")
    history = pd.DataFrame({"list_date": [dt.date(2025, 3, 2)]})
    table = measures_table(rows, history, max_age_days=365).set_index("measure_id")
    assert table["overdue"].to_dict() == {"A": True, "B": False, "C": True, "D": False, "E": False, "F": False}
    assert table.loc["A", "overdue_reason"] == ("last updated 2024-03-01, more than 365 days before the list of "
                                                "2025-03-02")
    assert table.loc["C", "overdue_reason"] == "end date 2025-03-01 passed on 2025-03-02 without completion"
    assert table.loc["C", "measure_status_de"] == "verzögert"
    assert table.loc["A", "field_of_action_de"] == "Mobilität"


@pytest.mark.parametrize(("achieved", "level"), [(49.9, "none"), (50.0, "eea"), (74.9, "eea"), (75.0, "eea_gold")])
def test_eea_award_level_at_the_thresholds(achieved, level):
    assert award(100.0, achieved) == level


def test_eea_share_per_field_and_the_total_of_six_fields():
    fields = ["development_planning", "municipal_buildings", "supply_disposal", "mobility", "internal_organisation",
              "communication_cooperation"]
    # 2024: 6 × 50 possible; achieved 24.95 in each field = 49.9 %; 2025: 25 each = 50 %; 2026: five fields only
    points = pd.DataFrame(
        [{"field_of_action": f, "year": 2024, "eea_points_possible": 50.0, "eea_points_achieved": 24.95}
         for f in fields]
        + [{"field_of_action": f, "year": 2025, "eea_points_possible": 50.0, "eea_points_achieved": 25.0}
           for f in fields]
        + [{"field_of_action": f, "year": 2026, "eea_points_possible": 40.0, "eea_points_achieved": 30.0}
           for f in fields[:5]])
    table = eea_table(points).set_index(["field_of_action", "year"])
    assert table.loc[("total", 2024), "eea_share_pct"] == pytest.approx(49.9)
    assert table.loc[("total", 2024), "eea_award"] == "none"
    assert table.loc[("total", 2025), ["eea_share_pct", "eea_award"]].tolist() == [50.0, "eea"]
    assert table.loc[("mobility", 2026), ["eea_share_pct", "eea_award"]].tolist() == [75.0, "eea_gold"]
    assert not table.loc[("total", 2026), "complete"]
    assert pd.isna(table.loc[("total", 2026), "eea_award"])
    assert table.loc[("total", 2026), "eea_points_possible"] == 200.0


TARGETS = pd.DataFrame([
    {"target_set": "s", "indicator_id": "co2", "indicator": "emissions_change_vs_base", "base_year": 2007,
     "comparator": "<=", "target_value": -30.0, "unit": "%"},
    {"target_set": "s", "indicator_id": "share", "indicator": "renewable_electricity_share", "base_year": 2007,
     "comparator": ">=", "target_value": 50.0, "unit": "%"},
    {"target_set": "s", "indicator_id": "transport", "indicator": "emissions_change_vs_base", "base_year": 2007,
     "comparator": "<=", "target_value": -20.0, "unit": "%"},
    {"target_set": "s", "indicator_id": "capita", "indicator": "emissions_per_inhabitant", "base_year": 2019,
     "comparator": "<=", "target_value": 0.41, "unit": "t CO2e/inhabitant"},
])


def _indicator(indicator_id, year, value, base_value=None, complete=True, reason=None):
    return {"target_set": "s", "indicator_id": indicator_id, "ags": "05974000", "year": year, "value": value,
            "base_value": base_value, "complete": complete, "status_reason": reason}


def test_gap_sums_per_target():
    indicators = pd.DataFrame([
        _indicator("co2", 2021, -10.0, 3_000_000.0), _indicator("co2", 2022, -12.0, 3_000_000.0, complete=False,
                                                                 reason="Welver industry electricity confidential"),
        _indicator("share", 2022, 40.0),
        _indicator("transport", 2022, -5.0, 1_000_000.0, complete=False, reason="rail freight missing"),
        _indicator("capita", 2022, 8.41, 8.94),
    ])
    measures = _list("d", "A;a;Mobilität;abgeschlossen;;;;1000;;co2;01.01.2025\n"
                          "B;b;Mobilität;in Umsetzung;;;;2000;;co2, transport;01.01.2025\n"
                          "C;c;Mobilität;verzögert;;;;500;;co2;01.01.2025\n"
                          "D;d;Mobilität;geplant;;;;400000;;co2;01.01.2025\n"
                          "E;e;Mobilität;in Vorbereitung;;;;;;co2;01.01.2025\n"
                          "F;f;Mobilität;gestoppt;;;;99999;;co2;01.01.2025\n"
                          "G;g;Versorgung und Entsorgung;geplant;;;;;3000;share;01.01.2025\n"
                          "H;h;Mobilität;geplant;;;;900000;;capita;01.01.2025\n")
    table = target_measures_table(TARGETS, indicators, measures, {2022: 100_000}, "05974000").set_index(
        "indicator_id")
    co2 = table.loc["co2"]
    # the latest complete year is 2021: 3,000,000 × (−10 − (−30)) / 100 = 600,000 t still to reduce
    assert (co2["year"], co2["gap"], co2["gap_t_co2e"]) == (2021, -20.0, 600_000.0)
    assert (co2["measures_count"], co2["measures_without_estimate"]) == (6, 1)
    assert (co2["savings_completed_t_co2e"], co2["savings_in_progress_t_co2e"], co2["savings_planned_t_co2e"]) == (
        1000.0, 2500.0, 400_000.0)
    # not yet completed: 2,500 + 400,000 against 600,000: 197,500 uncovered
    assert (co2["shortfall_t_co2e"], co2["gap_status"]) == (197_500.0, "not_closed")
    assert "197,500.0 t CO2e remain uncovered" in co2["gap_reason"]
    share = table.loc["share"]
    assert (share["gap"], share["gap_status"], share["savings_planned_mwh"]) == (10.0, "no_emissions_gap", 3000.0)
    assert pd.isna(share["gap_t_co2e"])
    transport = table.loc["transport"]  # the only value is incomplete: no gap verdict
    assert (transport["gap_status"], transport["complete"]) == ("not_assessable", False)
    assert pd.isna(transport["gap_t_co2e"]) and pd.isna(transport["shortfall_t_co2e"])
    assert "rail freight missing" in transport["gap_reason"]
    assert transport["savings_in_progress_t_co2e"] == 2000.0
    capita = table.loc["capita"]  # (8.41 − 0.41) × 100,000 inhabitants = 800,000 t; 900,000 planned close it
    assert capita["gap_t_co2e"] == pytest.approx(800_000.0)
    assert capita["shortfall_t_co2e"] == pytest.approx(-100_000.0)
    assert capita["gap_status"] == "closed_by_measures"


def test_without_a_list_of_measures_there_is_no_gap_analysis():
    from warehouse.catalog import get_table

    empty = pd.DataFrame(columns=get_table("measures").column_names)
    indicators = pd.DataFrame([_indicator("co2", 2021, -10.0, 3_000_000.0)])
    assert target_measures_table(TARGETS, indicators, empty, {}, "05974000").empty
