"""The contribution labels of the rate files (data/*.toml), for the translation catalogs: the
simulation page shows them with ``{% translate line.label %}``. A label added to a file is added
here too (a test checks it)."""

from django.utils.translation import gettext_noop

LABELS = (
    gettext_noop("CRDS"),
    gettext_noop("CSG (deductible)"),
    gettext_noop("CSG (non-deductible)"),
    gettext_noop("Family allowances"),
    gettext_noop("General balance contribution (CEG), bracket 1"),
    gettext_noop("General balance contribution (CEG), bracket 2"),
    gettext_noop("General reduction on low wages"),
    gettext_noop("Health insurance"),
    gettext_noop("Housing fund (FNAL), 50 employees or more"),
    gettext_noop("Mobility levy"),
    gettext_noop("Old-age insurance (capped)"),
    gettext_noop("Old-age insurance (uncapped)"),
    gettext_noop("Social dialogue contribution"),
    gettext_noop("Social security (employer)"),
    gettext_noop("Social security (worker)"),
    gettext_noop("Solidarity contribution for autonomy (CSA)"),
    gettext_noop("Supplementary pension AGIRC-ARRCO, bracket 1"),
    gettext_noop("Supplementary pension AGIRC-ARRCO, bracket 2"),
    gettext_noop("Technical balance contribution (CET)"),
    gettext_noop("Unemployment insurance"),
    gettext_noop("Vocational training and apprenticeship tax"),
    gettext_noop("Wage guarantee (AGS)"),
    gettext_noop("Work accidents and occupational diseases"),
)
