"""The population year-on-year check judges growth, not a new count: the step into the first year of a new census
basis (basis_break) is left out. List auf Sylt (01054078) in 12411-01-01-5_00.csv: 2552 in 2010, 1560 on the 2011
census basis; a doubling elsewhere is still caught."""

import pandas as pd

from assets.compute.plausibility import year_on_year
from assets.domain_checks import _without_basis_breaks


def test_the_first_year_of_a_new_census_basis_is_not_judged_as_growth():
    population = pd.DataFrame({
        "ags": ["01054078", "01054078", "01054001", "01054001"], "year": [2010, 2011, 2010, 2011],
        "population": [2552.0, 1560.0, 700.0, 1400.0], "basis_break": [False, True, False, False]})
    ratios = _without_basis_breaks(year_on_year(population, ["ags"], "population"), population)
    assert ratios[["ags", "year", "ratio"]].values.tolist() == [["01054001", 2011, 2.0]]
