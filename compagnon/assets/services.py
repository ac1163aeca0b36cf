"""Every change to fixed assets. Keyword-only; one transaction each; audited; posted only through
the ledger's ``post_entry``, always on the asset's activity (the analytic axis).

* ``from_invoice``: a supplier invoice just booked to a class 2 account becomes an asset (its
  cost the amount booked there, its life the country's default for the category).
* ``post_depreciation``: for each asset in use, one entry per calendar year ended by ``until``
  and not posted yet (FR 6811 / 28xxx, BE 6302 / 2x9), dated 31 December, in the misc journal.
  Idempotent: the ``Depreciation`` row (unique per asset and year) and the ledger's one entry per
  source and kind ("depreciation:YYYY") both refuse a second posting.
* ``dispose``: sale or scrapping — the years not posted yet, the allowance of the year up to the
  disposal day, then the entry that takes the asset out (cost and accumulated depreciation) and
  books the gain or loss (FR 675 book value / 775 proceeds; BE 6630 loss / 7630 gain), the price
  owed by the buyer on 462 (FR) / 4161 (BE).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.ledger.models import Account, AccountKind, EntryLine
from compagnon.ledger.services import LineSpec, post_entry

from . import defaults, schedule
from .models import Asset, AssetState, Depreciation, DisposalKind

ZERO = Decimal("0.00")
JOURNAL = "misc"
SOURCE = "assets.asset"


def _audit(*, actor, asset: Asset, action: str, message: str, params=None) -> None:
    record(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=f"asset.{action}",
        obj=asset,
        message=message,
        params={"asset": asset.label, "amount": str(asset.cost), **(params or {})},
        entity=asset.entity,
        activity=asset.activity,
    )


def _account(entity, code: str, name: str, kind: str) -> Account:
    found = Account.objects.filter(entity=entity, code=code).first()
    if found is None:
        Account.objects.bulk_create(
            [Account(entity=entity, code=code, name=name, kind=kind)], ignore_conflicts=True
        )
        found = Account.objects.get(entity=entity, code=code)
    return found


def _lock(asset: Asset) -> Asset:
    return (
        Asset.objects.select_for_update(of=("self",))
        .select_related("entity", "activity")
        .get(pk=asset.pk)
    )


# --- from a supplier invoice ------------------------------------------------------------------


@transaction.atomic
def from_invoice(*, invoice, actor=None) -> Asset | None:
    """The asset of a supplier invoice booked to a class 2 account (None otherwise; idempotent).
    A credit note creates none: the accountant adjusts the asset it corrects."""
    if invoice.is_credit_note or invoice.entry_id is None:
        return None
    found = Asset.objects.filter(invoice=invoice).first()
    if found is not None:
        return found
    line = (
        EntryLine.objects.filter(
            entry_id=invoice.entry_id, account__code__startswith="2", debit__gt=0
        )
        .select_related("account")
        .order_by("id")
        .first()
    )
    if line is None:
        return None
    country = invoice.entity.jurisdiction
    first = invoice.lines.order_by("position").values_list("description", flat=True).first()
    label = " — ".join(x for x in (first or "", invoice.supplier_name, invoice.number) if x)[:200]
    asset = Asset.objects.create(
        entity=invoice.entity,
        activity=invoice.activity,
        invoice=invoice,
        label=label,
        category=invoice.category,
        account_code=line.account.code,
        cost=line.debit,
        acquired_on=invoice.issue_date or timezone.localdate(),
        years=defaults.years_for(country, invoice.category),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _audit(
        actor=actor,
        asset=asset,
        action="created",
        params={"years": asset.years},
        message=gettext_noop(
            "Fixed asset %(asset)s recorded: %(amount)s €, depreciated over %(years)s years."
        ),
    )
    return asset


@transaction.atomic
def drop_for_invoice(*, invoice, actor=None) -> None:
    """The booked invoice was cancelled: its asset goes too, unless depreciation was posted."""
    asset = Asset.objects.select_for_update().filter(invoice=invoice).first()
    if asset is None:
        return
    if asset.depreciations.exists() or asset.is_disposed:
        raise ValidationError(
            {
                "state": _(
                    "This invoice's fixed asset already has depreciation in the books: "
                    "dispose of the asset instead of cancelling the invoice."
                )
            }
        )
    _audit(
        actor=actor,
        asset=asset,
        action="dropped",
        message=gettext_noop("Fixed asset %(asset)s removed: its invoice was cancelled."),
    )
    asset.delete()


# --- changes by the accountant ----------------------------------------------------------------


@transaction.atomic
def change_years(*, actor, asset: Asset, years: int) -> Asset:
    asset = _lock(asset)
    require(actor, "assets.manage_asset", asset.entity)
    if asset.depreciations.exists() or asset.is_disposed:
        raise ValidationError(
            {"years": _("Depreciation is already posted: the useful life can no longer change.")}
        )
    if not isinstance(years, int) or not 1 <= years <= 50:
        raise ValidationError({"years": _("Give a useful life from 1 to 50 years.")})
    before = asset.years
    asset.years = years
    asset.save(update_fields=["years"])
    _audit(
        actor=actor,
        asset=asset,
        action="years",
        params={"before": before, "years": years},
        message=gettext_noop(
            "Useful life of %(asset)s changed from %(before)s to %(years)s years."
        ),
    )
    return asset


# --- depreciation -----------------------------------------------------------------------------


def _post_year(actor, asset: Asset, year: int, on: datetime.date, amount: Decimal) -> Depreciation:
    entity = asset.entity
    expense = _account(entity, *defaults.EXPENSE[entity.jurisdiction], AccountKind.EXPENSE)
    accumulated = _account(
        entity,
        *defaults.accumulated_account(entity.jurisdiction, asset.account_code),
        AccountKind.ASSET,
    )
    label = (_("Depreciation %(year)s — %(asset)s") % {"year": year, "asset": asset.label})[:200]
    entry = post_entry(
        actor=actor,
        entity=entity,
        journal_code=JOURNAL,
        date=on,
        label=label,
        source=(SOURCE, asset.pk),
        kind=f"depreciation:{year}",
        lines=[
            LineSpec(account=expense, debit=amount, activity=asset.activity, label=label),
            LineSpec(account=accumulated, credit=amount, activity=asset.activity, label=label),
        ],
    )
    return Depreciation.objects.create(asset=asset, year=year, date=on, amount=amount, entry=entry)


def _catch_up(actor, asset: Asset, until: datetime.date, done: set[int]) -> int:
    """Post the calendar years of ``asset`` ended by ``until`` and not in ``done``."""
    posted = 0
    last = schedule.last_year(asset.acquired_on, asset.years)
    for year in range(asset.acquired_on.year, min(until.year, last) + 1):
        end = datetime.date(year, 12, 31)
        if end > until or year in done:
            continue
        amount = schedule.accumulated(
            asset.cost, asset.acquired_on, asset.years, end
        ) - schedule.accumulated(
            asset.cost, asset.acquired_on, asset.years, datetime.date(year - 1, 12, 31)
        )
        if amount > 0:
            _post_year(actor, asset, year, end, amount)
            done.add(year)
            posted += 1
    return posted


def post_depreciation(*, entity, until: datetime.date, actor=None) -> int:
    """Post every calendar year ended by ``until`` not posted yet, for the assets in use of
    ``entity``; one transaction per asset. Returns how many entries were posted."""
    posted = 0
    ids = (
        Asset.objects.filter(entity=entity, state=AssetState.IN_USE, acquired_on__lte=until)
        .order_by("acquired_on", "pk")
        .values_list("pk", flat=True)
    )
    for pk in list(ids):
        with transaction.atomic():
            asset = (
                Asset.objects.select_for_update(of=("self",))
                .select_related("entity", "activity")
                .get(pk=pk)
            )
            if asset.state != AssetState.IN_USE:
                continue
            done = set(asset.depreciations.values_list("year", flat=True))
            posted += _catch_up(actor, asset, until, done)
    return posted


# --- disposal ---------------------------------------------------------------------------------


@transaction.atomic
def dispose(*, actor, asset: Asset, on: datetime.date, kind: str, price=None) -> Asset:
    """Sell or scrap ``asset`` on ``on``: depreciation up to that day, then the disposal entry."""
    asset = _lock(asset)
    entity = asset.entity
    require(actor, "assets.manage_asset", entity)
    if asset.is_disposed:
        raise ValidationError({"state": _("This asset was already disposed of.")})
    errors: dict = {}
    if kind not in DisposalKind.values:
        errors["kind"] = [_("Say whether the asset was sold or scrapped.")]
    if not isinstance(on, datetime.date) or on < asset.acquired_on or on > timezone.localdate():
        errors["on"] = [
            _("Give a date between the acquisition (%(date)s) and today.")
            % {"date": date_format(asset.acquired_on, "SHORT_DATE_FORMAT")}
        ]
    price = Decimal(str(price or "0"))
    if price < 0 or price != price.quantize(Decimal("0.01")):
        errors["price"] = [_("Type the sale price excl. VAT, e.g. 250.00.")]
    elif kind == DisposalKind.SALE and price <= 0:
        errors["price"] = [_("Type the sale price excl. VAT; a sale at no price is a scrapping.")]
    elif kind == DisposalKind.SCRAP:
        price = ZERO
    done = dict(asset.depreciations.values_list("year", "date"))
    if isinstance(on, datetime.date) and any(
        y > on.year or (y == on.year and d > on) for y, d in done.items()
    ):
        errors["on"] = [
            _("Depreciation is already posted after this date: date the disposal later.")
        ]
    if errors:
        raise ValidationError(errors)
    years = set(done)
    _catch_up(actor, asset, datetime.date(on.year - 1, 12, 31), years)
    if on.year not in years:
        amount = schedule.accumulated(
            asset.cost, asset.acquired_on, asset.years, on
        ) - schedule.accumulated(
            asset.cost, asset.acquired_on, asset.years, datetime.date(on.year - 1, 12, 31)
        )
        if amount > 0:
            _post_year(actor, asset, on.year, on, amount)
    accumulated = sum(asset.depreciations.values_list("amount", flat=True), ZERO)
    asset.disposal_entry = post_entry(
        actor=actor,
        entity=entity,
        journal_code=JOURNAL,
        date=on,
        kind="disposal",
        source=(SOURCE, asset.pk),
        lines=_disposal_lines(asset, accumulated, price),
        label=(_("Disposal of %(asset)s") % {"asset": asset.label})[:200],
    )
    asset.state, asset.disposed_on, asset.disposal_kind, asset.disposal_price = (
        AssetState.DISPOSED,
        on,
        kind,
        price,
    )
    asset.save(
        update_fields=["state", "disposed_on", "disposal_kind", "disposal_price", "disposal_entry"]
    )
    _audit(
        actor=actor,
        asset=asset,
        action="disposed",
        params={"price": str(price), "book_value": str(asset.cost - accumulated)},
        message=gettext_noop(
            "Fixed asset %(asset)s sold for %(price)s € (book value %(book_value)s €)."
        )
        if kind == DisposalKind.SALE
        else gettext_noop(
            "Fixed asset %(asset)s scrapped (book value %(book_value)s € written off)."
        ),
    )
    return asset


def _disposal_lines(asset: Asset, accumulated: Decimal, price: Decimal) -> list[LineSpec]:
    entity, activity = asset.entity, asset.activity
    country = entity.jurisdiction
    names = defaults.DISPOSAL[country]
    label = asset.label[:200]
    book_value = asset.cost - accumulated
    cost_account = _account(entity, asset.account_code, asset.account_code, AccountKind.ASSET)
    lines = [LineSpec(account=cost_account, credit=asset.cost, activity=activity, label=label)]
    if accumulated:
        acc = _account(
            entity, *defaults.accumulated_account(country, asset.account_code), AccountKind.ASSET
        )
        lines.append(LineSpec(account=acc, debit=accumulated, activity=activity, label=label))
    if price:
        lines.append(
            LineSpec(
                account=_account(entity, *names["receivable"], AccountKind.ASSET),
                debit=price,
                activity=activity,
                label=label,
            )
        )
    if country == "FR":  # gross: the book value written off (675), the price earned (775)
        if book_value:
            lines.append(
                LineSpec(
                    account=_account(entity, *names["book_value"], AccountKind.EXPENSE),
                    debit=book_value,
                    activity=activity,
                    label=label,
                )
            )
        if price:
            lines.append(
                LineSpec(
                    account=_account(entity, *names["proceeds"], AccountKind.INCOME),
                    credit=price,
                    activity=activity,
                    label=label,
                )
            )
    else:  # net: the gain (7630) or the loss (6630)
        result = price - book_value
        if result > 0:
            lines.append(
                LineSpec(
                    account=_account(entity, *names["gain"], AccountKind.INCOME),
                    credit=result,
                    activity=activity,
                    label=label,
                )
            )
        elif result < 0:
            lines.append(
                LineSpec(
                    account=_account(entity, *names["loss"], AccountKind.EXPENSE),
                    debit=-result,
                    activity=activity,
                    label=label,
                )
            )
    return lines
