"""Lettering (lettrage / afpunten): which lines of a client or supplier account settle each other.

Entry lines are immutable, so the match is its own table: a :class:`Lettering` gives a group of
lines of ONE account a code ("AA", "AB", … sequential per account, never reused) and the day they
were matched; each :class:`LetteredLine` puts one line in one group (a line is in at most one).
A lettering is valid when its lines are on the same account, for the same client or supplier where
a line carries one, and balance to zero (services.py checks it; so does ``check_books``).

Unlettering keeps the row (its code is never given again, so a code printed in an earlier export
keeps its meaning) and removes its lines: ``undone_at``, ``undone_by`` and ``undone_reason`` say
when, who and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def code_for(number: int) -> str:
    """1 -> "AA", 2 -> "AB", … 676 -> "ZZ", 677 -> "AAA": two letters first, then three…"""
    if number < 1:
        raise ValueError("lettering numbers start at 1")
    n = number - 1
    width = 2
    while n >= len(LETTERS) ** width:
        n -= len(LETTERS) ** width
        width += 1
    out = []
    for _i in range(width):
        n, r = divmod(n, len(LETTERS))
        out.append(LETTERS[r])
    return "".join(reversed(out))


class Lettering(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.PROTECT, related_name="+", verbose_name=_("entity")
    )
    account = models.ForeignKey(
        "ledger.Account",
        on_delete=models.PROTECT,
        related_name="letterings",
        verbose_name=_("account"),
    )
    number = models.PositiveIntegerField(_("number"))
    code = models.CharField(_("lettering code"), max_length=6)
    date = models.DateField(_("lettering date"))
    automatic = models.BooleanField(_("automatic"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lettered by"),
    )
    created_at = models.DateTimeField(_("lettered at"), auto_now_add=True)
    undone_at = models.DateTimeField(_("unlettered at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unlettered by"),
    )
    undone_reason = models.CharField(_("why it was unlettered"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("lettering")
        verbose_name_plural = _("letterings")
        ordering = ["account_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["account", "code"], name="lettering_code_unique"),
            models.UniqueConstraint(fields=["account", "number"], name="lettering_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="lettering_number_positive"),
        ]
        indexes = [models.Index(fields=["entity", "account"])]

    def __str__(self):
        return f"{self.account_id}/{self.code}"

    @property
    def is_active(self) -> bool:
        return self.undone_at is None


class LetteredLine(models.Model):
    lettering = models.ForeignKey(
        Lettering, on_delete=models.CASCADE, related_name="lines", verbose_name=_("lettering")
    )
    line = models.OneToOneField(
        "ledger.EntryLine",
        on_delete=models.PROTECT,
        related_name="lettering_link",
        verbose_name=_("entry line"),
    )

    class Meta:
        verbose_name = _("lettered line")
        verbose_name_plural = _("lettered lines")

    def __str__(self):
        return f"{self.lettering_id}: {self.line_id}"


class LetterCounter(models.Model):
    """The last lettering number given on an account; locked while lettering, so codes follow
    each other without two accountants taking the same one."""

    account = models.OneToOneField("ledger.Account", on_delete=models.PROTECT, related_name="+")
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.account_id}: {self.last}"
