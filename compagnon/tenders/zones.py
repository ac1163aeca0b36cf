"""Where a notice is and where a member works, in the codes notices use.

French notices name a department (BOAMP's ``code_departement``) or a NUTS code (TED); Belgian ones a
NUTS code. A member's place (the zone they serve in the directory, else their postcode, else their
office's) gives a set of codes: the department, the NUTS 3, 2 and 1 codes and the country. A notice
fits a member when one of its codes is one of the member's, or a NUTS code of the notice contains
the member's (a regional notice, "FRG", fits every department of the region).

NUTS 2021 for France: each region (NUTS 2) lists its departments; a department's NUTS 3 code is the
region's code followed by its rank in the region, departments in number order (FRG01 Loire-Atlantique,
FRG02 Maine-et-Loire…). Belgium: provinces (NUTS 2) from the postcode's ranges.
"""

from __future__ import annotations

import re

FR_REGIONS = {
    "FR10": "75 77 78 91 92 93 94 95",
    "FRB0": "18 28 36 37 41 45",
    "FRC1": "21 58 71 89",
    "FRC2": "25 39 70 90",
    "FRD1": "14 50 61",
    "FRD2": "27 76",
    "FRE1": "59 62",
    "FRE2": "02 60 80",
    "FRF1": "67 68",
    "FRF2": "08 10 51 52",
    "FRF3": "54 55 57 88",
    "FRG0": "44 49 53 72 85",
    "FRH0": "22 29 35 56",
    "FRI1": "24 33 40 47 64",
    "FRI2": "19 23 87",
    "FRI3": "16 17 79 86",
    "FRJ1": "11 30 34 48 66",
    "FRJ2": "09 12 31 32 46 65 81 82",
    "FRK1": "03 15 43 63",
    "FRK2": "01 07 26 38 42 69 73 74",
    "FRL0": "04 05 06 13 83 84",
    "FRM0": "2A 2B",
}
FR_OVERSEAS = {"971": "FRY10", "972": "FRY20", "973": "FRY30", "974": "FRY40", "976": "FRY50"}

DEPARTMENT_NUTS3: dict[str, str] = dict(FR_OVERSEAS)
for _region, _departments in FR_REGIONS.items():
    for _rank, _dep in enumerate(sorted(_departments.split()), start=1):
        DEPARTMENT_NUTS3[_dep] = f"{_region}{_rank}"
NUTS3_DEPARTMENT = {v: k for k, v in DEPARTMENT_NUTS3.items()}

BE_PROVINCES = (  # (first postcode, last postcode, NUTS 2)
    (1000, 1299, "BE10"), (1300, 1499, "BE31"), (1500, 1999, "BE24"), (2000, 2999, "BE21"),
    (3000, 3499, "BE24"), (3500, 3999, "BE22"), (4000, 4999, "BE33"), (5000, 5999, "BE35"),
    (6000, 6599, "BE32"), (6600, 6999, "BE34"), (7000, 7999, "BE32"), (8000, 8999, "BE25"),
    (9000, 9999, "BE23"),
)


def department_of(postcode: str) -> str:
    """The French department of a postcode ("44300" → "44", "20000" → "2A", "97400" → "974")."""
    code = re.sub(r"\s+", "", postcode or "")
    if not re.fullmatch(r"\d{5}", code):
        return ""
    if code.startswith("97"):
        return code[:3]
    if code.startswith("20"):
        return "2A" if int(code) < 20200 else "2B"
    return code[:2]


def clean_department(value: str) -> str:
    value = (value or "").strip().upper()
    if re.fullmatch(r"\d", value):
        value = "0" + value
    return value if value in DEPARTMENT_NUTS3 else ""


def codes_for_place(postcode: str, country: str) -> set[str]:
    """The zone codes of a place: department, NUTS 3/2/1 and the country."""
    country = (country or "FR").upper()
    codes = {country}
    if country == "FR":
        dep = department_of(postcode)
        if dep:
            nuts3 = DEPARTMENT_NUTS3.get(dep, "")
            codes |= {f"D{dep}", nuts3, nuts3[:4], nuts3[:3]} if nuts3 else {f"D{dep}"}
    elif country == "BE":
        digits = re.sub(r"\D", "", postcode or "")
        if len(digits) == 4:
            n = int(digits)
            for first, last, nuts2 in BE_PROVINCES:
                if first <= n <= last:
                    codes |= {nuts2, nuts2[:3]}
                    break
    codes.discard("")
    return codes


def notice_codes(*, department: str, nuts: str, postcode: str, country: str) -> set[str]:
    """The codes a notice names ({} when it names no place: it fits everywhere)."""
    codes = set()
    if department:
        codes.add(f"D{department}")
    if nuts:
        codes.add(nuts.upper())
    if postcode:
        codes |= {c for c in codes_for_place(postcode, country) if c.startswith("D") or len(c) == 5}
    return codes


def fits(notice: set[str], member: set[str]) -> bool:
    if not notice:
        return True
    for code in notice:
        if code in member:
            return True
        if code.startswith("D"):
            continue
        if any(m.startswith(code) for m in member if not m.startswith("D")):
            return True  # a regional notice: the member's place is inside it
        if any(code.startswith(m) for m in member if m.startswith("BE") and len(m) == 4):
            return True  # a Belgian arrondissement inside the member's province
    return False
