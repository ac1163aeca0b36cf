"""The demo's prefinanced invoice and the daily loss run."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.utils import timezone

from compagnon.prefinancing.demo import seed_demo_prefinancing
from compagnon.prefinancing.models import Advance, AdvanceState, Policy

from .helpers import Coop, balance, entries_balance

pytestmark = pytest.mark.django_db


def test_the_demo_prefinances_one_french_invoice_once():
    c = Coop("FR")
    Policy.objects.filter(entity=c.entity).delete()
    invoice = c.invoice("500")
    advance = seed_demo_prefinancing([c.activity])
    assert advance.document_id == invoice.pk and advance.state == AdvanceState.APPROVED
    assert Policy.objects.get(entity=c.entity).enabled
    assert balance(c.entity, "prefinancing", activity=c.activity) == D("400.00")
    assert seed_demo_prefinancing([c.activity]) is None
    assert Advance.objects.count() == 1
    entries_balance(c.entity)


def test_the_daily_run_takes_the_losses_due_once():
    c = Coop(loss_after_days=30)
    c.endow_fund("1000")
    invoice = c.invoice("1000")
    advance = c.ask(invoice)
    c.litigation(invoice, days_ago=31)
    out = io.StringIO()
    call_command("prefinancing_losses", stdout=out)
    assert out.getvalue().strip() == "1 loss(es) taken"
    call_command("prefinancing_losses", date=(timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
                 stdout=out)
    assert out.getvalue().strip().endswith("0 loss(es) taken")
    advance.refresh_from_db()
    assert advance.state == AdvanceState.COVERED
