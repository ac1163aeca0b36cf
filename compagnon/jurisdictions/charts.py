"""Charts of accounts, one per jurisdiction, with a stable ROLE on every account code uses.

Code never hard-codes an account number: it asks for a role ("receivable", "vat_collected" at
20 %…) and the jurisdiction answers with its number::

    role_account_code("FR", "receivable")                       -> "411"
    role_account_code("BE", "vat_collected", Decimal("21"))     -> "451021"

Only the accounts the platform posts to are listed (a working subset, not the whole official
plan); accountants may add others. Account names are English msgids (``gettext_noop``): they are
stored untranslated and shown in the reader's language.

Sources
-------
* France — Plan comptable général, règlement ANC n° 2014-03 (consolidated), art. 932-1 "Liste des
  comptes". Sub-accounts (e.g. 445712) are free subdivisions allowed by art. 911-1.
* Belgium — Plan comptable minimum normalisé (PCMN) / Minimumindeling van het rekeningenstelsel
  (MAR), arrêté royal du 21 octobre 2018 / koninklijk besluit van 21 oktober 2018. Accounts with
  more digits are the usual subdivisions the PCMN leaves free.

The internal transfer of the cooperative's contribution
-------------------------------------------------------
Every activity pays the cooperative a share of its revenue (``Entity.contribution_rate``). It is
booked inside the one legal entity as a pair: an expense on the activity's analytic axis
("contribution_charge") and an income on the cooperative's own axis (no activity,
"contribution_income"). The pair cancels out in the statutory accounts and makes both sides
visible in the analytic ones: what each activity paid, what the cooperative received.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_noop

ASSET, LIABILITY, EQUITY, INCOME, EXPENSE = "asset", "liability", "equity", "income", "expense"
KINDS = (ASSET, LIABILITY, EQUITY, INCOME, EXPENSE)

# Roles with one account per VAT rate.
RATED_ROLES = frozenset({"vat_collected"})


@dataclass(frozen=True)
class AccountSpec:
    code: str
    name: str  # English msgid, translated when shown
    kind: str
    role: str = ""
    vat_rate: Decimal | None = None  # percent, for VAT accounts split by rate


@dataclass(frozen=True)
class JournalSpec:
    code: str
    name: str  # English msgid
    role: str  # "sales", "purchases", "bank", "misc"


A = AccountSpec

# --- France: Plan comptable général (ANC 2014-03) -------------------------------------------
FRANCE = (
    # class 1 — capital
    A("1013", gettext_noop("Subscribed capital, called and paid up"), EQUITY, "share_capital"),
    # 1518 Autres provisions pour risques: the guarantee fund behind prefinancing (advances to
    # members on unpaid invoices), fed by the advances' fees, used when a client never pays.
    A("1518", gettext_noop("Prefinancing guarantee fund"), LIABILITY, "prefinancing_fund"),
    # class 4 — third parties
    A("401", gettext_noop("Suppliers"), LIABILITY, "supplier"),
    A("411", gettext_noop("Customers"), ASSET, "receivable"),
    A("416", gettext_noop("Doubtful or disputed customers"), ASSET, "receivable_doubtful"),
    # 4191 Clients – avances et acomptes reçus sur commandes (deposit invoices)
    A(
        "4191",
        gettext_noop("Customer advances and deposits received"),
        LIABILITY,
        "customer_advances",
    ),
    A("421", gettext_noop("Staff – salaries payable"), LIABILITY, "salaries_payable"),
    A("431", gettext_noop("Social security"), LIABILITY, "social_security"),
    # 437 Autres organismes sociaux (AGIRC-ARRCO, unemployment insurance, provident funds…)
    A("437", gettext_noop("Other social bodies"), LIABILITY, "social_other"),
    # 4421 Prélèvements à la source (impôt sur le revenu withheld from salaries, CGI art. 204 A)
    A("4421", gettext_noop("Income tax withheld at source"), LIABILITY, "withholding_tax"),
    # 44566 TVA sur autres biens et services (deductible VAT on purchases)
    A("44566", gettext_noop("Deductible VAT on goods and services"), ASSET, "vat_deductible"),
    # 44571 TVA collectée, split by rate (rates of the Code général des impôts, art. 278 ff.)
    A("445712", gettext_noop("VAT collected 20%"), LIABILITY, "vat_collected", Decimal("20.0")),
    A("445711", gettext_noop("VAT collected 10%"), LIABILITY, "vat_collected", Decimal("10.0")),
    A("445713", gettext_noop("VAT collected 5.5%"), LIABILITY, "vat_collected", Decimal("5.5")),
    A("445714", gettext_noop("VAT collected 2.1%"), LIABILITY, "vat_collected", Decimal("2.1")),
    # 455 Associés – comptes courants. A CAE books here what it owes the entrepreneur-salarié
    # (expense claims paid out of pocket, sums awaiting payment). Entrepreneurs-salariés become
    # associates of the cooperative (Code du travail, art. L7331-1 ff.; loi ESS n° 2014-856).
    A("455", gettext_noop("Members' current accounts"), LIABILITY, "member_current"),
    A("471", gettext_noop("Suspense account"), ASSET, "suspense"),
    # 4678 Autres comptes débiteurs: advances paid to members on their activity's unpaid
    # invoices, recovered when the client pays (docs/decisions/0020-prefinancing.md).
    A("4678", gettext_noop("Prefinancing advances outstanding"), ASSET, "prefinancing"),
    # class 5 — financial
    A("512", gettext_noop("Bank"), ASSET, "bank"),
    A("530", gettext_noop("Cash"), ASSET, "cash"),
    A("580", gettext_noop("Internal transfers"), ASSET, "internal_transfer"),
    # 58 Virements internes, subdivided: outgoing SEPA transfers handed to the bank and not yet on
    # its statement (booked when a payout batch is sent, cleared by the bank line).
    A("581", gettext_noop("Outgoing transfers in progress"), ASSET, "transfers_in_progress"),
    # class 6 — expenses
    A("604", gettext_noop("Purchases of studies and services"), EXPENSE, "purchases_services"),
    A("606", gettext_noop("Non-stocked supplies"), EXPENSE, "supplies"),
    A("607", gettext_noop("Purchases of goods for resale"), EXPENSE, "purchases_goods"),
    A("627", gettext_noop("Bank charges"), EXPENSE, "bank_fees"),
    # 6281 Concours divers (cotisations…): the activity's contribution to the cooperative.
    A("6281", gettext_noop("Cooperative contribution"), EXPENSE, "contribution_charge"),
    A("641", gettext_noop("Staff salaries"), EXPENSE, "salaries"),
    A("645", gettext_noop("Social security contributions"), EXPENSE, "social_charges"),
    A("654", gettext_noop("Irrecoverable receivables"), EXPENSE, "bad_debt"),
    A("658", gettext_noop("Miscellaneous operating expenses"), EXPENSE, "misc_expense"),
    # 6588: an advance once its invoice is paid (or its loss borne by the activity).
    A("6588", gettext_noop("Prefinanced sums charged to activities"), EXPENSE, "prefinancing_charge"),
    # class 7 — income
    A("706", gettext_noop("Services rendered"), INCOME, "revenue_services"),
    A("707", gettext_noop("Sales of goods"), INCOME, "revenue_goods"),
    # 7088 Autres produits d'activités annexes: the contributions received from the activities.
    A("7088", gettext_noop("Cooperative contributions received"), INCOME, "contribution_income"),
    A("709", gettext_noop("Discounts and rebates granted"), INCOME, "sales_discounts"),
    # 758 Produits divers de gestion courante (e.g. the fixed 40 € recovery indemnity, C. com.
    # art. D441-5).
    A("758", gettext_noop("Miscellaneous operating income"), INCOME, "misc_income"),
    # 7631 Revenus des créances commerciales: late-payment interest (C. com. art. L441-10).
    A("7631", gettext_noop("Late-payment interest"), INCOME, "late_payment_interest"),
)

FRANCE_JOURNALS = (
    JournalSpec("VT", gettext_noop("Sales"), "sales"),
    JournalSpec("AC", gettext_noop("Purchases"), "purchases"),
    JournalSpec("BQ", gettext_noop("Bank"), "bank"),
    JournalSpec("OD", gettext_noop("Miscellaneous operations"), "misc"),
)

# --- Belgium: PCMN / MAR (AR/KB 21 October 2018) ------------------------------------------------
BELGIUM = (
    # class 1
    A("100", gettext_noop("Subscribed capital"), EQUITY, "share_capital"),
    # 164 Provisions pour autres risques et charges / Voorzieningen voor andere risico's en
    # kosten: the guarantee fund behind prefinancing.
    A("164", gettext_noop("Prefinancing guarantee fund"), LIABILITY, "prefinancing_fund"),
    # class 4 — receivables and payables within one year
    A("400", gettext_noop("Customers"), ASSET, "receivable"),
    A("407", gettext_noop("Doubtful receivables"), ASSET, "receivable_doubtful"),
    A("411", gettext_noop("VAT recoverable"), ASSET, "vat_deductible"),
    # 416 Créances diverses / Overige vorderingen: advances paid to members on unpaid invoices.
    A("416", gettext_noop("Prefinancing advances outstanding"), ASSET, "prefinancing"),
    A("440", gettext_noop("Suppliers"), LIABILITY, "supplier"),
    # 451 TVA à payer / Te betalen btw, split by rate (Code TVA art. 37, AR n° 20)
    A("451021", gettext_noop("VAT due 21%"), LIABILITY, "vat_collected", Decimal("21.0")),
    A("451012", gettext_noop("VAT due 12%"), LIABILITY, "vat_collected", Decimal("12.0")),
    A("451006", gettext_noop("VAT due 6%"), LIABILITY, "vat_collected", Decimal("6.0")),
    # 453 Précomptes retenus / Ingehouden voorheffingen (professional withholding tax)
    A("453", gettext_noop("Withholding taxes"), LIABILITY, "withholding_tax"),
    A("454", gettext_noop("National Social Security Office"), LIABILITY, "social_security"),
    A("455", gettext_noop("Remuneration payable"), LIABILITY, "salaries_payable"),
    # 459 Autres dettes sociales / Andere sociale schulden (sector funds, insurers… other than the ONSS)
    A("459", gettext_noop("Other social debts"), LIABILITY, "social_other"),
    # 46 Acomptes reçus sur commandes / Ontvangen vooruitbetalingen op bestellingen
    A("460", gettext_noop("Advances received on orders"), LIABILITY, "customer_advances"),
    # 489 Autres dettes diverses / Andere diverse schulden: the current accounts of the
    # cooperators — what the shared enterprise owes the member (expense claims, sums to pay out).
    A("489", gettext_noop("Members' current accounts"), LIABILITY, "member_current"),
    A("499", gettext_noop("Suspense accounts"), ASSET, "suspense"),
    # class 5
    A("550", gettext_noop("Credit institutions – current accounts"), ASSET, "bank"),
    A("570", gettext_noop("Cash"), ASSET, "cash"),
    A("580", gettext_noop("Internal transfers"), ASSET, "internal_transfer"),
    # 58 Virements internes / Interne overboekingen, subdivided: outgoing transfers sent to the
    # bank and not yet on its statement (payout batches).
    A("581", gettext_noop("Outgoing transfers in progress"), ASSET, "transfers_in_progress"),
    # class 6
    A("601", gettext_noop("Purchases of supplies"), EXPENSE, "supplies"),
    A(
        "602",
        gettext_noop("Purchases of services, work and studies"),
        EXPENSE,
        "purchases_services",
    ),
    A("604", gettext_noop("Purchases of goods for resale"), EXPENSE, "purchases_goods"),
    # 61 Services et biens divers / Diensten en diverse goederen — 613 Rétributions de tiers.
    A("6130", gettext_noop("Cooperative contribution"), EXPENSE, "contribution_charge"),
    A("620", gettext_noop("Remuneration and direct social benefits"), EXPENSE, "salaries"),
    A("621", gettext_noop("Employer's social security contributions"), EXPENSE, "social_charges"),
    A("642", gettext_noop("Losses on trade receivables"), EXPENSE, "bad_debt"),
    A("643", gettext_noop("Miscellaneous operating expenses"), EXPENSE, "misc_expense"),
    A("6438", gettext_noop("Prefinanced sums charged to activities"), EXPENSE, "prefinancing_charge"),
    A("657", gettext_noop("Bank charges"), EXPENSE, "bank_fees"),
    # class 7 — 70 Chiffre d'affaires / Omzet (700/707 sales and services, 708 discounts)
    A("7001", gettext_noop("Sales of goods"), INCOME, "revenue_goods"),
    A("7061", gettext_noop("Services rendered"), INCOME, "revenue_services"),
    # The contributions the activities pay for the cooperative's services.
    A("7062", gettext_noop("Cooperative contributions received"), INCOME, "contribution_income"),
    A("708", gettext_noop("Discounts and rebates granted"), INCOME, "sales_discounts"),
    # 743/749 Produits d'exploitation divers (e.g. the fixed recovery indemnity, law of
    # 2 August 2002 art. 6).
    A("743", gettext_noop("Miscellaneous operating income"), INCOME, "misc_income"),
    # 751 Produits des actifs circulants: late-payment interest on receivables.
    A("751", gettext_noop("Late-payment interest"), INCOME, "late_payment_interest"),
)

BELGIUM_JOURNALS = (
    JournalSpec("VE", gettext_noop("Sales"), "sales"),
    JournalSpec("AC", gettext_noop("Purchases"), "purchases"),
    JournalSpec("FI", gettext_noop("Bank"), "bank"),
    JournalSpec("OD", gettext_noop("Miscellaneous operations"), "misc"),
)

del A

CHARTS: dict[str, tuple[AccountSpec, ...]] = {"FR": FRANCE, "BE": BELGIUM}
JOURNALS: dict[str, tuple[JournalSpec, ...]] = {"FR": FRANCE_JOURNALS, "BE": BELGIUM_JOURNALS}


def chart_for(jurisdiction_code: str) -> list[AccountSpec]:
    """The accounts an entity of this jurisdiction starts with."""
    try:
        return list(CHARTS[jurisdiction_code])
    except KeyError:
        raise LookupError(f"No chart of accounts for jurisdiction {jurisdiction_code!r}") from None


def journals_for(jurisdiction_code: str) -> list[JournalSpec]:
    try:
        return list(JOURNALS[jurisdiction_code])
    except KeyError:
        raise LookupError(f"No journals for jurisdiction {jurisdiction_code!r}") from None


def roles(jurisdiction_code: str) -> set[str]:
    return {a.role for a in chart_for(jurisdiction_code) if a.role}


def role_account_spec(
    jurisdiction_code: str, role: str, rate: Decimal | None = None
) -> AccountSpec:
    """The account playing ``role`` (at VAT ``rate`` for rated roles); LookupError otherwise."""
    if isinstance(rate, float):
        raise TypeError("VAT rates are Decimals, never floats")
    if role in RATED_ROLES and rate is None:
        raise LookupError(f"Role {role!r} needs a VAT rate")
    if role not in RATED_ROLES and rate is not None:
        raise LookupError(f"Role {role!r} has no VAT rate")
    for spec in chart_for(jurisdiction_code):
        if spec.role == role and (rate is None or spec.vat_rate == Decimal(rate)):
            return spec
    raise LookupError(
        f"No account with role {role!r}"
        + (f" at {rate} %" if rate is not None else "")
        + f" in the {jurisdiction_code} chart"
    )


def role_account_code(jurisdiction_code: str, role: str, rate: Decimal | None = None) -> str:
    """The number of the account playing ``role`` in this jurisdiction's chart."""
    return role_account_spec(jurisdiction_code, role, rate).code


def journal_code(jurisdiction_code: str, role: str) -> str:
    """The code of the journal playing ``role`` ("sales", "bank"…) in this jurisdiction."""
    for spec in journals_for(jurisdiction_code):
        if spec.role == role:
            return spec.code
    raise LookupError(f"No journal with role {role!r} in {jurisdiction_code}")
