"""The configured region as parsers see it: which keys are inside, which are valid but outside, which are invalid."""

from __future__ import annotations

import re
from dataclasses import dataclass

INSIDE = "inside"
OUTSIDE = "outside"
INVALID = "invalid"


@dataclass(frozen=True)
class Region:
    district_ags: str
    municipality_keys: frozenset[str]

    @property
    def keys(self) -> frozenset[str]:
        return self.municipality_keys | {self.district_ags}

    def classify(self, raw: str) -> tuple[str | None, str]:
        """(normalised key, INSIDE | OUTSIDE | INVALID) for a delivered municipality key.

        Accepted spellings: 8 digits; 7 digits (a leading zero lost by a spreadsheet) are padded; a 5-digit district
        key means the district. Anything else is invalid.
        """
        key = (raw or "").strip().replace(" ", "")
        if re.fullmatch(r"\d{7}", key):
            key = "0" + key
        elif re.fullmatch(r"\d{5}", key):
            key = key + "000"
        if not re.fullmatch(r"\d{8}", key) or key[:2] not in _STATES:
            return None, INVALID
        return key, (INSIDE if key in self.keys else OUTSIDE)


# Two-digit state prefixes of German municipality keys (01 Schleswig-Holstein ... 16 Thüringen).
_STATES = {f"{i:02d}" for i in range(1, 17)}
