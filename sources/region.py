"""The configured region as parsers see it: which keys are inside, which are valid but outside, which are invalid."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd

INSIDE = "inside"
OUTSIDE = "outside"
INVALID = "invalid"
UNKNOWN = "unknown"  # a valid key inside the region's own key range that is not one of its municipalities


def region_prefix(ags: str) -> str:
    """The digits every municipality key of a region starts with: a district's 5, a Regierungsbezirk's 3, a state's 2
    or, for the whole country (00000000), none."""
    if ags == "0" * 8:
        return ""
    for length in (2, 3, 5):  # the shortest: a state's key 05000000 also ends in 000
        if ags[length:] == "0" * (8 - length):
            return ags[:length]
    return ags


@dataclass(frozen=True)
class Region:
    district_ags: str
    municipality_keys: frozenset[str]
    former_keys: frozenset[str] = frozenset()  # keys that changed (key_changes) into one of the municipalities
    names: tuple[tuple[str, str], ...] = ()  # (key, official name) of the municipalities, for files without keys

    @cached_property
    def keys(self) -> frozenset[str]:
        """Municipalities and the region's own key (built once: a parser asks for every row)."""
        return self.municipality_keys | {self.district_ags}

    @property
    def prefix(self) -> str:
        return region_prefix(self.district_ags)

    def with_former_keys(self, former: Iterable[str]) -> Region:
        """This region accepting also the former keys of its municipalities (the key changes in use): the one way
        the raw assets, `klimamonitor validate` and the sensors widen a region."""
        return replace(self, former_keys=frozenset(former) - self.municipality_keys)

    def classify(self, raw: str) -> tuple[str | None, str]:
        """(normalised key, INSIDE | OUTSIDE | UNKNOWN | INVALID) for a delivered municipality key.

        Accepted spellings: 8 digits; 7 digits (a leading zero lost by a spreadsheet) are padded; a 5-digit district
        key means the district. Anything else is invalid. A key in the region's own range that is not one of its
        configured municipalities is unknown (a typo, or a key that changed with a boundary reform).
        """
        key = (raw or "").strip().replace(" ", "")
        if re.fullmatch(r"\d{7}", key):
            key = "0" + key
        elif re.fullmatch(r"\d{5}", key):
            key = key + "000"
        if not re.fullmatch(r"\d{8}", key) or key[:2] not in _STATES:
            return None, INVALID
        if key in self.keys or key in self.former_keys:
            return key, INSIDE  # a former key stays as delivered; the core layer moves it to the current key
        return key, (UNKNOWN if key.startswith(self.prefix) else OUTSIDE)


    def classify_many(self, raw: pd.Series) -> tuple[pd.Series, pd.Series]:
        """`classify` for a whole column at once: (normalised keys, INSIDE | OUTSIDE | UNKNOWN | INVALID)."""
        key = raw.fillna("").astype(str).str.strip().str.replace(" ", "", regex=False)
        key = key.mask(key.str.fullmatch(r"\d{7}"), "0" + key)
        key = key.mask(key.str.fullmatch(r"\d{5}"), key + "000")
        valid = key.str.fullmatch(r"\d{8}") & key.str[:2].isin(_STATES)
        inside = valid & key.isin(self.keys | self.former_keys)
        unknown = valid & ~inside & key.str.startswith(self.prefix)
        where = np.select([~valid, inside, unknown], [INVALID, INSIDE, UNKNOWN], OUTSIDE)
        return key.where(valid), pd.Series(where, index=raw.index)


# Two-digit state prefixes of German municipality keys (01 Schleswig-Holstein ... 16 Thüringen).
_STATES = {f"{i:02d}" for i in range(1, 17)}
