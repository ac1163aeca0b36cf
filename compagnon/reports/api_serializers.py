"""Serializers of the reports API (read only, built from the report objects)."""

from __future__ import annotations

from rest_framework import serializers

from .books import entry_url

MONEY = {"max_digits": 18, "decimal_places": 2}


def period_dict(period) -> dict:
    return {
        "kind": period.kind,
        "date_from": period.date_from,
        "date_to": period.date_to,
        "label": period.label,
    }


class ReportPeriodSerializer(serializers.Serializer):
    kind = serializers.CharField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    label = serializers.CharField()


class ReportTrialRowSerializer(serializers.Serializer):
    account = serializers.CharField(source="account.code")
    name = serializers.CharField(source="account.label")
    opening = serializers.DecimalField(**MONEY)
    debit = serializers.DecimalField(**MONEY)
    credit = serializers.DecimalField(**MONEY)
    closing = serializers.DecimalField(**MONEY)


class ReportTrialTotalsSerializer(serializers.Serializer):
    opening = serializers.DecimalField(**MONEY)
    debit = serializers.DecimalField(**MONEY)
    credit = serializers.DecimalField(**MONEY)
    closing = serializers.DecimalField(**MONEY)
    balanced = serializers.BooleanField(
        help_text="debit total = credit total and the columns cross-foot"
    )


class ReportTrialBalanceSerializer(serializers.Serializer):
    period = ReportPeriodSerializer()
    totals = ReportTrialTotalsSerializer()
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReportTrialRowSerializer(many=True)


class ReportLedgerLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    entry = serializers.IntegerField(source="entry_id")
    entry_reference = serializers.CharField(source="entry.reference")
    entry_label = serializers.CharField(source="entry.label")
    label = serializers.CharField()
    activity = serializers.IntegerField(source="activity_id", allow_null=True)
    client = serializers.IntegerField(source="client_id", allow_null=True)
    debit = serializers.DecimalField(**MONEY)
    credit = serializers.DecimalField(**MONEY)
    balance = serializers.DecimalField(
        **MONEY, help_text="running balance after the line (debit positive)"
    )
    entry_url = serializers.SerializerMethodField()

    def get_entry_url(self, line) -> str:
        return entry_url(line.entry.entity_id, line.entry)


class ReportLedgerPageSerializer(serializers.Serializer):
    account = serializers.CharField(source="account.code")
    name = serializers.CharField(source="account.label")
    period = serializers.SerializerMethodField()
    opening = serializers.DecimalField(**MONEY)
    period_debit = serializers.DecimalField(**MONEY)
    period_credit = serializers.DecimalField(**MONEY)
    closing = serializers.DecimalField(**MONEY)
    next_after = serializers.CharField(
        source="next_cursor", help_text="pass as ?after= for the next page; empty at the end"
    )
    results = ReportLedgerLineSerializer(source="lines", many=True)

    def get_period(self, page) -> ReportPeriodSerializer:
        return ReportPeriodSerializer(period_dict(page.period)).data


class ReportJournalLineSerializer(serializers.Serializer):
    account = serializers.CharField(source="account.code")
    label = serializers.CharField()
    activity = serializers.IntegerField(source="activity_id", allow_null=True)
    debit = serializers.DecimalField(**MONEY)
    credit = serializers.DecimalField(**MONEY)


class ReportJournalEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    date = serializers.DateField()
    label = serializers.CharField()
    debit = serializers.DecimalField(**MONEY)
    credit = serializers.DecimalField(**MONEY)
    lines = ReportJournalLineSerializer(many=True, source="lines.all")


class ReportJournalPageSerializer(serializers.Serializer):
    journal = serializers.CharField(source="journal.code")
    period = serializers.SerializerMethodField()
    debit = serializers.DecimalField(**MONEY)
    credit = serializers.DecimalField(**MONEY)
    next_after = serializers.CharField(source="next_cursor")
    results = ReportJournalEntrySerializer(source="entries", many=True)

    def get_period(self, page) -> ReportPeriodSerializer:
        return ReportPeriodSerializer(period_dict(page.period)).data


class ReportAgedRowSerializer(serializers.Serializer):
    name = serializers.CharField()
    client = serializers.IntegerField(allow_null=True, required=False)
    not_due = serializers.DecimalField(**MONEY)
    d30 = serializers.DecimalField(**MONEY, help_text="1–30 days past due")
    d60 = serializers.DecimalField(**MONEY, help_text="31–60 days past due")
    d90 = serializers.DecimalField(**MONEY, help_text="61–90 days past due")
    older = serializers.DecimalField(**MONEY, help_text="over 90 days past due")
    total = serializers.DecimalField(**MONEY)


class ReportAgedTotalsSerializer(ReportAgedRowSerializer):
    name = None
    client = None


class ReportAgedSerializer(serializers.Serializer):
    date = serializers.DateField()
    totals = ReportAgedTotalsSerializer()
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReportAgedRowSerializer(many=True)


class ReportVatAccountSerializer(serializers.Serializer):
    account = serializers.CharField(source="account.code")
    name = serializers.CharField(source="account.label")
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    amount = serializers.DecimalField(**MONEY)


class ReportVatBaseSerializer(serializers.Serializer):
    category = serializers.CharField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    base = serializers.DecimalField(**MONEY)
    vat = serializers.DecimalField(**MONEY)


class ReportVatSerializer(serializers.Serializer):
    period = serializers.SerializerMethodField()
    collected = ReportVatAccountSerializer(many=True)
    collected_total = serializers.DecimalField(**MONEY)
    bases = ReportVatBaseSerializer(many=True)
    deductible = ReportVatAccountSerializer(many=True)
    deductible_total = serializers.DecimalField(**MONEY)
    net = serializers.DecimalField(**MONEY, help_text="positive: VAT to pay; negative: a credit")

    def get_period(self, report) -> ReportPeriodSerializer:
        return ReportPeriodSerializer(period_dict(report.period)).data


class ReportAmountLineSerializer(serializers.Serializer):
    account = serializers.CharField()
    name = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)


class ReportCostGroupSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    total = serializers.DecimalField(**MONEY)
    lines = ReportAmountLineSerializer(many=True)


class ReportStatementSerializer(serializers.Serializer):
    period = ReportPeriodSerializer()
    revenue = ReportAmountLineSerializer(many=True)
    revenue_total = serializers.DecimalField(**MONEY)
    other_income = ReportAmountLineSerializer(many=True)
    other_income_total = serializers.DecimalField(**MONEY)
    cost_groups = ReportCostGroupSerializer(many=True)
    costs_total = serializers.DecimalField(**MONEY)
    result = serializers.DecimalField(**MONEY)


def _lines(lines) -> list[dict]:
    return [{"account": x.account.code, "name": x.account.label, "amount": x.amount} for x in lines]


def statement_dict(s) -> dict:
    return {
        "period": period_dict(s.period),
        "revenue": _lines(s.revenue),
        "revenue_total": s.revenue_total,
        "other_income": _lines(s.other_income),
        "other_income_total": s.other_income_total,
        "cost_groups": [
            {"code": g.code, "label": g.label, "total": g.total, "lines": _lines(g.lines)}
            for g in s.cost_groups
        ],
        "costs_total": s.costs_total,
        "result": s.result,
    }


class ReportGroupSerializer(serializers.Serializer):
    label = serializers.CharField()
    activities = serializers.IntegerField()
    revenue = serializers.DecimalField(**MONEY)
    contributions = serializers.DecimalField(**MONEY)
    salaries = serializers.DecimalField(**MONEY)
    costs = serializers.DecimalField(**MONEY)
    result = serializers.DecimalField(**MONEY)
    others = serializers.BooleanField()


class ReportOwnSerializer(serializers.Serializer):
    revenue = serializers.DecimalField(**MONEY)
    contributions = serializers.DecimalField(**MONEY)
    salaries = serializers.DecimalField(**MONEY)
    costs = serializers.DecimalField(**MONEY)
    result = serializers.DecimalField(**MONEY)


class ReportFiguresSerializer(serializers.Serializer):
    activities_revenue = serializers.DecimalField(**MONEY)
    contributions = serializers.DecimalField(**MONEY, help_text="received from the activities")
    cooperative_revenue = serializers.DecimalField(**MONEY)
    cooperative_other_income = serializers.DecimalField(**MONEY)
    cooperative_expenses = serializers.DecimalField(**MONEY)
    cooperative_result = serializers.DecimalField(**MONEY)
    invoicing_activities = serializers.IntegerField()
    contribution_rate = serializers.DecimalField(max_digits=5, decimal_places=2)


class ReportTransparencySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    figures = ReportFiguresSerializer()
    own = ReportOwnSerializer(help_text="the cooperative's own lines")
    activities = ReportGroupSerializer(help_text="all activities together")
    by_trade = ReportGroupSerializer(many=True)
    by_office = ReportGroupSerializer(many=True)
