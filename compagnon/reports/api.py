"""The reports API: JSON (lists paginated: ``page``/``page_size``, or keyset ``after`` for the
general ledger and journals) or CSV streamed (``?format=csv``). Same access as the pages
(access.py): the entity-wide reports for its accountants and administrators, an activity's
income statement for whoever sees the activity, the transparency figures for every member.

GET /api/v1/reports/{entity}/trial-balance/          ?period=&year=&quarter=&month=&from=&to=&activity=
GET /api/v1/reports/{entity}/ledger/{account}/       … &after=&page_size=
GET /api/v1/reports/{entity}/journals/{journal}/     … &after=&page_size=
GET /api/v1/reports/{entity}/receivables/            ?date=
GET /api/v1/reports/{entity}/payables/               ?date=
GET /api/v1/reports/{entity}/vat/                    period
GET /api/v1/reports/{entity}/income-statement/       period, activity
GET /api/v1/reports/activities/{id}/income-statement/  period
GET /api/v1/reports/{entity}/transparency/           ?year=
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers
from rest_framework.response import Response
from rest_framework.views import APIView

from compagnon.core.api import Pagination
from compagnon.core.params import int_param
from compagnon.ledger.selectors import entry_years

from . import access, books, exports, filters, tables
from .aged import BUCKETS, aged_payables, aged_receivables
from .api_serializers import (
    ReportAgedRowSerializer,
    ReportAgedSerializer,
    ReportAgedTotalsSerializer,
    ReportJournalPageSerializer,
    ReportLedgerPageSerializer,
    ReportPeriodSerializer,
    ReportStatementSerializer,
    ReportTransparencySerializer,
    ReportTrialBalanceSerializer,
    ReportTrialRowSerializer,
    ReportTrialTotalsSerializer,
    ReportVatSerializer,
    period_dict,
    statement_dict,
)
from .periods import period_param
from .statements import income_statement
from .transparency import transparency
from .vat import vat_report

PERIOD = [
    OpenApiParameter(
        "period", str, enum=["year", "quarter", "month", "custom"], description="default: year"
    ),
    OpenApiParameter("year", int),
    OpenApiParameter("quarter", int, description="1–4 (period=quarter)"),
    OpenApiParameter("month", int, description="1–12 (period=month)"),
    OpenApiParameter("from", str, description="YYYY-MM-DD (period=custom)"),
    OpenApiParameter("to", str, description="YYYY-MM-DD (period=custom)"),
]
ACTIVITY = OpenApiParameter(
    "activity", str, description='an activity id, or "own" for the cooperative\'s own lines'
)
FORMAT = OpenApiParameter(
    "format", str, enum=["json", "csv"], description="csv: the report streamed as CSV"
)
KEYSET = [
    OpenApiParameter("after", str, description="the `next_after` of the previous page"),
    OpenApiParameter("page_size", int, description="1–1000, default 200"),
]


class CSVRenderer(renderers.BaseRenderer):
    """Lets ``?format=csv`` through DRF's negotiation; the views stream the CSV themselves."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes | str) else b""


class ReportView(APIView):
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]

    def wants_csv(self, request) -> bool:
        return (
            getattr(request, "accepted_renderer", None) is not None
            and request.accepted_renderer.format == "csv"
        )

    def handle_exception(self, exc):
        """A refusal or an error is JSON even when CSV was asked for: a client reads why."""
        response = super().handle_exception(exc)
        if self.wants_csv(self.request):
            self.request.accepted_renderer = renderers.JSONRenderer()
            self.request.accepted_media_type = self.request.accepted_renderer.media_type
        return response


def _page_size(request) -> int:
    return int_param(request, "page_size", default=200, min_value=1, max_value=1000)


def _paginated(view, request, rows, extra: dict):
    paginator = Pagination()
    page = paginator.paginate_queryset(rows, request, view=view)
    response = paginator.get_paginated_response(page)
    return Response({**extra, **response.data})


@extend_schema(tags=["reports"])
class TrialBalanceView(ReportView):
    @extend_schema(
        operation_id="reports_trial_balance",
        parameters=[*PERIOD, ACTIVITY, FORMAT],
        responses=ReportTrialBalanceSerializer,
    )
    def get(self, request, entity):
        """Per account: opening balance, debit, credit and closing balance of the period."""
        entity = access.books_entity(request.user, entity)
        period = period_param(request)
        activity = filters.activity_param(request, entity)
        tb = books.trial_balance(entity, period, activity=activity)
        if self.wants_csv(request):
            return exports.csv_response(
                tables.trial_balance_tables(tb), f"trial-balance-{period.slug}"
            )
        totals = {
            "opening": tb.opening,
            "debit": tb.debit,
            "credit": tb.credit,
            "closing": tb.closing,
            "balanced": tb.balanced,
        }
        return _paginated(
            self,
            request,
            ReportTrialRowSerializer(tb.rows, many=True).data,
            {
                "period": ReportPeriodSerializer(period_dict(period)).data,
                "totals": ReportTrialTotalsSerializer(totals).data,
            },
        )


@extend_schema(tags=["reports"])
class GeneralLedgerView(ReportView):
    @extend_schema(
        operation_id="reports_general_ledger",
        parameters=[*PERIOD, ACTIVITY, *KEYSET, FORMAT],
        responses=ReportLedgerPageSerializer,
    )
    def get(self, request, entity, account):
        """The account's lines in date order with the running balance, paged by keyset."""
        entity = access.books_entity(request.user, entity)
        account_obj = filters.account_of(entity, account)
        if account_obj is None:
            raise Http404
        period = period_param(request)
        activity = filters.activity_param(request, entity)
        if self.wants_csv(request):
            return exports.csv_response(
                tables.general_ledger_tables(entity, account_obj, period, activity),
                f"ledger-{account_obj.code}-{period.slug}",
            )
        page = books.general_ledger(
            entity,
            account_obj,
            period,
            activity=activity,
            after=filters.after_param(request),
            limit=_page_size(request),
        )
        return Response(ReportLedgerPageSerializer(page, context={"request": request}).data)


@extend_schema(tags=["reports"])
class JournalView(ReportView):
    @extend_schema(
        operation_id="reports_journal",
        parameters=[*PERIOD, *KEYSET, FORMAT],
        responses=ReportJournalPageSerializer,
    )
    def get(self, request, entity, journal):
        """A journal's entries in date and number order, each with its lines and totals."""
        entity = access.books_entity(request.user, entity)
        journal_obj = filters.journal_of(entity, journal)
        if journal_obj is None:
            raise Http404
        period = period_param(request)
        if self.wants_csv(request):
            return exports.csv_response(
                tables.journal_tables(entity, journal_obj, period),
                f"journal-{journal_obj.code}-{period.slug}",
            )
        page = books.journal_page(
            entity,
            journal_obj,
            period,
            after=filters.after_param(request),
            limit=min(_page_size(request), 200),
        )
        return Response(ReportJournalPageSerializer(page, context={"request": request}).data)


class _AgedView(ReportView):
    payables = False

    def get(self, request, entity):
        entity = access.books_entity(request.user, entity)
        as_of = filters.as_of_param(request)
        aged = (aged_payables if self.payables else aged_receivables)(entity, as_of)
        if self.wants_csv(request):
            name = "payables" if self.payables else "receivables"
            return exports.csv_response(tables.aged_tables(aged, name), f"{name}-{as_of:%Y%m%d}")
        rows = [
            {"name": r.name, "client": r.client_id, **r.buckets, "total": r.total}
            for r in aged.rows
        ]
        totals = dict(zip([k for k, _l in BUCKETS], aged.totals, strict=True))
        totals["total"] = aged.total
        return _paginated(
            self,
            request,
            ReportAgedRowSerializer(rows, many=True).data,
            {"date": as_of.isoformat(), "totals": ReportAgedTotalsSerializer(totals).data},
        )


@extend_schema(tags=["reports"])
class ReceivablesView(_AgedView):
    @extend_schema(
        operation_id="reports_receivables",
        parameters=[OpenApiParameter("date", str), FORMAT],
        responses=ReportAgedSerializer,
    )
    def get(self, request, entity):
        """What each client owes on a date, by days past the due date."""
        return super().get(request, entity)


@extend_schema(tags=["reports"])
class PayablesView(_AgedView):
    payables = True

    @extend_schema(
        operation_id="reports_payables",
        parameters=[OpenApiParameter("date", str), FORMAT],
        responses=ReportAgedSerializer,
    )
    def get(self, request, entity):
        """What the cooperative owes each supplier on a date, by days past the due date."""
        return super().get(request, entity)


@extend_schema(tags=["reports"])
class VatView(ReportView):
    @extend_schema(
        operation_id="reports_vat", parameters=[*PERIOD, FORMAT], responses=ReportVatSerializer
    )
    def get(self, request, entity):
        """VAT collected by rate, sales by VAT category and rate, deductible VAT."""
        entity = access.books_entity(request.user, entity)
        period = period_param(request)
        report = vat_report(entity, period)
        if self.wants_csv(request):
            return exports.csv_response(tables.vat_tables(report), f"vat-{period.slug}")
        return Response(ReportVatSerializer(report).data)


@extend_schema(tags=["reports"])
class EntityStatementView(ReportView):
    @extend_schema(
        operation_id="reports_income_statement",
        parameters=[*PERIOD, ACTIVITY, FORMAT],
        responses=ReportStatementSerializer,
    )
    def get(self, request, entity):
        """The income statement of the entity, its own lines or one activity."""
        entity = access.books_entity(request.user, entity)
        period = period_param(request)
        statement = income_statement(
            entity, period, activity=filters.activity_param(request, entity)
        )
        if self.wants_csv(request):
            return exports.csv_response(
                tables.statement_tables(statement, entity.name), f"income-statement-{period.slug}"
            )
        return Response(ReportStatementSerializer(statement_dict(statement)).data)


@extend_schema(tags=["reports"])
class ActivityStatementView(ReportView):
    @extend_schema(
        operation_id="reports_activity_income_statement",
        parameters=[*PERIOD, FORMAT],
        responses=ReportStatementSerializer,
    )
    def get(self, request, id):
        """An activity's income statement: for its members, their advisors and the entity's staff."""
        activity = access.visible_activity(request.user, id)
        period = period_param(request)
        statement = income_statement(activity.entity, period, activity=activity.pk)
        if self.wants_csv(request):
            return exports.csv_response(
                tables.statement_tables(statement, activity.name),
                f"income-statement-{activity.pk}-{period.slug}",
            )
        return Response(ReportStatementSerializer(statement_dict(statement)).data)


@extend_schema(tags=["reports"])
class TransparencyView(ReportView):
    @extend_schema(
        operation_id="reports_transparency",
        parameters=[OpenApiParameter("year", int), FORMAT],
        responses=ReportTransparencySerializer,
    )
    def get(self, request, entity):
        """The cooperative's year: its own figures and the activities' by trade and by office
        (groups of fewer than 3 activities merged into "others")."""
        entity = access.visible_entity(request.user, entity)
        years = entry_years(entity)
        year = int_param(request, "year", default=years[0], min_value=1, max_value=9999)
        data = transparency(entity, year)
        if self.wants_csv(request):
            return exports.csv_response(tables.transparency_tables(data), f"cooperative-{year}")
        return Response(ReportTransparencySerializer(data).data)
