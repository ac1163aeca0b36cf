"""A month of payroll as the people live it: a member asks, the advisor approves, the cut-off
freezes, the variables go to the provider, the journal comes back and is posted, the nets are
paid, the payslips are shared."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from compagnon.budget import selectors as budget
from compagnon.ledger.models import EntryLine
from compagnon.payroll import journal, payslips, services
from compagnon.payroll.models import ImportState, JournalImport, PayLine, Payslip, RequestState

from .helpers import D, ask, cooperative, csv_upload, line_for, pdf_upload, this_month

pytestmark = pytest.mark.django_db


@pytest.fixture
def coop():
    return cooperative()


def frozen(coop, *requests):
    for r in requests:
        services.approve_request(actor=coop["advisor"], request=r)
    services.freeze_month(actor=coop["accountant"], entity=coop["entity"], month=this_month())
    return [type(r).objects.get(pk=r.pk) for r in requests]


def test_a_member_asks_within_the_budget_and_the_estimate_is_kept(coop):
    request = ask(coop["camille"], coop["activity"], "2000.00")
    assert request.state == RequestState.SUBMITTED
    assert request.employer_cost <= D("2000.00") and request.gross < request.employer_cost
    assert request.net < request.gross


def test_asking_more_than_the_budget_allows_names_the_limit(coop):
    room = services.room_for(coop["camille"], coop["activity"])
    with pytest.raises(ValidationError) as exc:
        ask(coop["camille"], coop["activity"], str(room + D("100")))
    assert "can pay at most" in str(exc.value)
    ask(coop["camille"], coop["activity"], "3000.00")
    assert services.room_for(coop["camille"], coop["activity"]) <= room - D("2999")  # the pending request counts


def test_no_salary_without_an_employment_contract_and_a_cape_pays_none(coop):
    from compagnon.payroll.models import Contract

    Contract.objects.filter(member=coop["camille"]).update(kind="cape")
    with pytest.raises(ValidationError) as exc:
        ask(coop["camille"], coop["activity"])
    assert "no employment contract" in str(exc.value)


def test_a_member_cannot_ask_from_someone_elses_activity(coop):
    with pytest.raises(PermissionDenied):
        ask(coop["camille"], coop["yanis_activity"])


def test_the_advisor_approves_never_their_own_and_a_refusal_gives_a_reason(coop):
    request = ask(coop["camille"], coop["activity"])
    with pytest.raises(PermissionDenied):
        services.approve_request(actor=coop["camille"].user, request=request)
    with pytest.raises(PermissionDenied):
        services.approve_request(actor=coop["accountant"], request=request)  # bookkeeping does not approve
    with pytest.raises(ValidationError):
        services.refuse_request(actor=coop["advisor"], request=request, reason="no")
    refused = services.refuse_request(actor=coop["advisor"], request=request, reason="Your client has not paid yet.")
    assert refused.state == RequestState.REFUSED
    again = ask(coop["camille"], coop["activity"], "1500.00")  # a refused request leaves the month open
    assert services.approve_request(actor=coop["advisor"], request=again).state == RequestState.APPROVED


def test_the_cut_off_freezes_approved_requests_once_and_closes_the_month(coop):
    waiting = ask(coop["yanis"], coop["yanis_activity"])
    (approved,) = frozen(coop, ask(coop["camille"], coop["activity"]))
    assert approved.state == RequestState.FROZEN
    assert type(waiting).objects.get(pk=waiting.pk).state == RequestState.SUBMITTED
    services.freeze_month(actor=coop["accountant"], entity=coop["entity"], month=this_month())  # idempotent
    with pytest.raises(ValidationError):
        services.approve_request(actor=coop["advisor"], request=waiting)
    with pytest.raises(ValidationError) as exc:
        ask(coop["camille"], coop["yanis_activity"] if False else coop["activity"])
    assert "closed" in str(exc.value) or "already asked" in str(exc.value)


def test_the_scheduled_cut_off_freezes_after_the_day(coop):
    import datetime

    from compagnon.payroll.models import PayrollSettings

    PayrollSettings.objects.create(entity=coop["entity"], cutoff_day=1)
    ask_month = this_month()
    done = services.freeze_due(today=ask_month + datetime.timedelta(days=1))
    assert coop["entity"].pk in {m.entity_id for m in done}
    call_command("payroll_cutoff", stdout=io.StringIO())  # nothing more (today may be before or after)


def test_variables_file_one_line_per_member_and_activity(coop):
    r1, r2 = frozen(coop, ask(coop["camille"], coop["activity"], "2000.00", hours="120"),
                    ask(coop["yanis"], coop["yanis_activity"], "3000.00"))
    data = services.export_variables(actor=coop["accountant"], entity=coop["entity"], month=this_month())
    rows = list(csv.DictReader(io.StringIO(data.decode()), delimiter=";"))
    assert [r["request_id"] for r in rows] == sorted([str(r1.pk), str(r2.pk)], key=lambda pk: [
        r.member.number for r in (r1, r2) if str(r.pk) == pk][0])
    mine = next(r for r in rows if r["request_id"] == str(r1.pk))
    assert mine["employee_id"] == f"X{coop['camille'].number}" and mine["hours"] == "120.00"
    assert mine["contract"] == "cesa" and mine["employer_cost"] == f"{r1.employer_cost:.2f}"
    with pytest.raises(PermissionDenied):
        services.export_variables(actor=coop["advisor"], entity=coop["entity"], month=this_month())


def test_a_good_journal_posts_salaries_per_activity_and_the_budget_shows_them(coop):
    (request,) = frozen(coop, ask(coop["camille"], coop["activity"], "2000.00"))
    before = budget.compute(coop["activity"])
    imported = journal.import_journal(actor=coop["accountant"], entity=coop["entity"], month=this_month(),
                                      upload=csv_upload([line_for(request)]))
    assert imported.state == ImportState.POSTED and imported.differences == []
    line = PayLine.objects.get()
    assert line.request_id == request.pk and type(request).objects.get(pk=request.pk).state == RequestState.POSTED
    codes = {(x.account.code, x.debit, x.credit) for x in EntryLine.objects.filter(entry=imported.entry)
             .select_related("account")}
    assert ("641", line.gross, D("0")) in codes and ("645", line.employer_contributions, D("0")) in codes
    assert ("421", D("0"), line.net) in codes and ("437", D("0"), line.other_bodies) in codes
    after = budget.compute(coop["activity"])
    assert after.salaries - before.salaries == line.gross + line.employer_contributions
    assert after.available == before.available - (line.gross + line.employer_contributions)
    out = io.StringIO()
    call_command("check_books", stdout=out, stderr=out)
    assert "✓ Salaries posted equal the imported payroll journal" in out.getvalue()
    assert "The books are sound" in out.getvalue()


def test_a_journal_with_bad_lines_is_kept_names_each_line_and_posts_nothing(coop):
    (request,) = frozen(coop, ask(coop["camille"], coop["activity"]))
    good = line_for(request)
    rows = [good, {**good, "employee_id": "NOBODY"}, {**line_for(request), "net": "1.00", "activity_id": ""}]
    imported = journal.import_journal(actor=coop["accountant"], entity=coop["entity"], month=this_month(),
                                      upload=csv_upload(rows))
    assert imported.state == ImportState.REJECTED and imported.file
    assert any(e.startswith("Line 3:") and "NOBODY" in e for e in imported.errors)
    assert any(e.startswith("Line 4:") and "net" in e for e in imported.errors)
    assert not PayLine.objects.exists() and imported.entry_id is None
    assert type(request).objects.get(pk=request.pk).state == RequestState.FROZEN


def test_differences_with_the_requests_are_listed(coop):
    r1, r2 = frozen(coop, ask(coop["camille"], coop["activity"], "2000.00"),
                    ask(coop["yanis"], coop["yanis_activity"], "1500.00"))
    more = line_for(r1)
    more["gross"] = Decimal(more["gross"]) + 10
    more["net"] = Decimal(more["net"]) + 10
    imported = journal.import_journal(actor=coop["accountant"], entity=coop["entity"], month=this_month(),
                                      upload=csv_upload([more]))
    kinds = sorted(d["kind"] for d in imported.differences)
    assert kinds == ["amount", "missing"]
    again = journal.import_journal(actor=coop["accountant"], entity=coop["entity"], month=this_month(),
                                   upload=csv_upload([line_for(r2)]))
    assert again.state == ImportState.REJECTED and "already posted" in again.errors[0]
    assert JournalImport.objects.filter(state=ImportState.POSTED).count() == 1


def test_a_belgian_journal_posts_to_the_belgian_accounts():
    coop = cooperative(belgian=True)
    (request,) = frozen(coop, ask(coop["camille"], coop["activity"], "2500.00"))
    imported = journal.import_journal(actor=coop["accountant"], entity=coop["entity"], month=this_month(),
                                      upload=csv_upload([line_for(request)]))
    codes = {x.account.code for x in EntryLine.objects.filter(entry=imported.entry).select_related("account")}
    assert {"620", "621", "455", "454", "453"} <= codes


def test_payslips_are_split_per_employee_and_unmatched_pages_listed(coop):
    camille, yanis = coop["camille"], coop["yanis"]
    pages = [["Bulletin", f"Matricule {'X' + camille.number}", "page 1"],
             ["Bulletin", f"Matricule {'X' + camille.number}", "page 2"],
             ["Loonbrief", f"{yanis.user.first_name} {yanis.user.last_name}"],
             ["Annexe sans nom"]]
    batch = payslips.upload_payslips(actor=coop["accountant"], entity=coop["entity"], month=this_month(),
                                     upload=pdf_upload(pages))
    assert batch.pages == 4 and batch.unmatched == [4]
    mine = Payslip.objects.get(member=camille)
    assert mine.pages == [1, 2] and Payslip.objects.get(member=yanis).pages == [3]
    from pypdf import PdfReader

    with mine.file.open("rb") as handle:
        assert len(PdfReader(handle).pages) == 2
    with pytest.raises(ValidationError):
        payslips.upload_payslips(actor=coop["accountant"], entity=coop["entity"], month=this_month(),
                                 upload=csv_upload([]))


def test_contracts_follow_the_french_path(coop):
    import datetime

    member = coop["yanis"]
    member.contracts.all().delete()
    start = datetime.date(2025, 1, 6)
    cape = services.add_contract(actor=coop["advisor"], member=member, kind="cape", start=start)
    cesa = services.add_contract(actor=coop["advisor"], member=member, kind="cesa", start=datetime.date(2025, 7, 1))
    cape.refresh_from_db()
    assert cape.end == datetime.date(2025, 6, 30) and cesa.end is None  # the CESA ends the CAPE
    with pytest.raises(ValidationError):
        services.add_contract(actor=coop["advisor"], member=member, kind="be_open", start=start)
    with pytest.raises(PermissionDenied):
        services.add_contract(actor=member.user, member=member, kind="cesa", start=start)
