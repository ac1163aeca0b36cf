"""The daily run, as a member lives it: actions planned for an overdue invoice, announced days
before, held or approved with one click, carried out with the PDF and the right amounts, cancelled
when the invoice is paid; and the run is idempotent."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from compagnon.dunning import services
from compagnon.dunning.models import (
    ActionState,
    ActivityPreference,
    AutomatedAction,
    Channel,
    CollectionCase,
    CollectionPlan,
    PlanStep,
    StepKind,
)
from compagnon.sales.models import Document, DocumentEmail

from .conftest import NOTIFICATIONS, TODAY, actions_of, client_emails, day, notifications

pytestmark = pytest.mark.django_db



def in_document_language(document, msgid: str) -> str:
    """What the client reads: the text in the document's language (French here), its number in."""
    from django.utils import translation

    with translation.override(document.language):
        return translation.gettext(msgid).format(number=document.number)

def test_the_recommended_plan_and_who_may_create_it(make):
    w = make(plan=False)
    with pytest.raises(PermissionDenied):
        services.create_default_plan(actor=w.member.user, entity=w.entity)
    plan = services.create_default_plan(actor=w.admin, entity=w.entity)
    steps = list(plan.steps.order_by("order").values_list("kind", "delay_days", "requires_approval"))
    assert steps == [("reminder", 3, False), ("reminder", 15, False), ("formal_notice", 30, True),
                     ("litigation", 60, True), ("quote_follow_up", 10, False)]
    assert plan.active
    second = services.create_default_plan(actor=w.admin, entity=w.entity)
    assert not second.active  # one active plan per entity


def test_an_overdue_invoice_gets_its_steps_planned_after_the_notice_period(make):
    w = make(due_days_ago=10)  # due 10 days ago; plan created today
    a = actions_of(w.document)
    assert [a[o].kind for o in (1, 2, 3, 4)] == ["reminder", "reminder", "formal_notice", "litigation"]
    # the first reminder is 7 days overdue already: it goes once it has been announced (3 days)
    assert a[1].due_on == day(3) and a[1].announce_on == TODAY and not a[1].blocked
    assert a[2].blocked and a[3].blocked and a[4].blocked
    assert not a[1].needs_approval and a[3].needs_approval and a[4].needs_approval
    assert a[2].due_on == day(5) and a[3].due_on == day(20)


def test_announcement_notifies_the_member_and_emails_a_one_click_hold(make, run, mailoutbox):
    w = make(due_days_ago=10)
    summary = run(0)
    assert summary["announced"] == 1 and summary["claimed"] == 0
    if NOTIFICATIONS:
        note = notifications().get(user=w.member.user)
        assert "1 action planned" in note.title and "The first one goes on" in note.body
        assert note.url == f"/collections/activities/{w.activity.pk}/"
    digest = [m for m in mailoutbox if w.member.user.email in m.to]
    assert len(digest) == 1 and w.document.number in digest[0].body
    link = next(line for line in digest[0].body.splitlines() if "Hold it:" in line).split("Hold it: ")[1]
    path = link.split("://", 1)[1].split("/", 1)[1]
    c = __import__("django.test", fromlist=["Client"]).Client()
    c.force_login(w.member.user)
    page = c.get("/" + path)
    assert page.status_code == 200 and b"Hold it" in page.content
    assert actions_of(w.document)[1].state == ActionState.SCHEDULED  # a GET changes nothing
    c.post("/" + path)
    assert actions_of(w.document)[1].state == ActionState.HELD
    other = make()
    c.force_login(other.member.user)
    assert c.get("/" + path).status_code == 404  # the link is personal


def test_execution_sends_the_email_with_the_pdf_and_french_business_amounts(make, run, mailoutbox):
    w = make(country="FR", price="1000", due_days_ago=10)  # 1,200.00 incl. VAT
    run(0)
    mailoutbox.clear()
    summary = run(3)
    assert summary["claimed"] == 1
    first = actions_of(w.document)[1]
    assert first.state == ActionState.EXECUTED and first.executed_on == day(3)
    [mail] = client_emails(mailoutbox, w.document)
    assert mail.subject == in_document_language(w.document, "Reminder: invoice {number}")
    assert [a[0] for a in mail.attachments] == [f"{w.document.number}.pdf"]
    assert mail.attachments[0][1].startswith(b"%PDF-")
    claim = first.result["claim"]
    assert {line["code"]: line["amount"] for line in claim["lines"]}["indemnity"] == "40"
    assert claim["days_late"] == 13 and "Fixed recovery indemnity: 40,00 €" in mail.body  # in the document language (fr)
    assert "three times the French legal interest rate" in mail.body
    assert DocumentEmail.objects.filter(document=w.document, subject=mail.subject).exists()
    # the next step is freed and announced before it runs
    second = actions_of(w.document)[2]
    assert not second.blocked and second.due_on == day(7) and second.announce_on == day(4)


def test_french_private_client_is_reminded_for_free(make, run, mailoutbox):
    w = make(country="FR", kind="individual", price="250", due_days_ago=10)
    run(0)
    run(3)
    [mail] = client_emails(mailoutbox, w.document)
    claim = actions_of(w.document)[1].result["claim"]
    assert claim["lines"] == [] and claim["total"] == "300.00"
    assert "reminders cost them nothing" in mail.body


def test_belgian_business_gets_interest_and_the_40_euros(make, run, mailoutbox):
    w = make(country="BE", price="1000", due_days_ago=10)  # 1,210.00 incl. VAT
    run(0)
    run(3)
    claim = actions_of(w.document)[1].result["claim"]
    codes = {line["code"]: D(line["amount"]) for line in claim["lines"]}
    assert codes["indemnity"] == D("40") and codes["interest"] > 0
    [mail] = client_emails(mailoutbox, w.document)
    assert "2 August 2002" in mail.body


def test_belgian_private_client_first_reminder_free_then_fourteen_days_before_costs(make, run, mailoutbox):
    w = make(country="BE", kind="individual", price="300", due_days_ago=10)  # 363.00 incl. VAT
    run(0)
    run(3)
    first, second = actions_of(w.document)[1], actions_of(w.document)[2]
    assert first.result["claim"]["lines"] == []
    assert first.result["claim"]["if_unpaid"][0]["amount"] == "51.30"
    [mail] = client_emails(mailoutbox, w.document)
    assert "this first reminder is free" in mail.body
    # sent by email on day 3: the 14 days run from day 4, costs from day 18: the second reminder waits
    assert second.due_on == day(18)
    for n in range(4, 18):
        run(n)
    assert actions_of(w.document)[2].state == ActionState.SCHEDULED
    run(18)
    second = actions_of(w.document)[2]
    assert second.state == ActionState.EXECUTED
    assert {line["code"]: line["amount"] for line in second.result["claim"]["lines"]}["damages"] == "51.30"


def test_hold_stops_an_action_until_ok(make, run, mailoutbox):
    w = make(due_days_ago=10)
    run(0)
    services.decide(actor=w.member.user, action=actions_of(w.document)[1], decision="hold")
    run(3)
    assert actions_of(w.document)[1].state == ActionState.HELD and not client_emails(mailoutbox, w.document)
    services.decide(actor=w.member.user, action=actions_of(w.document)[1], decision="approve")
    run(4)
    assert actions_of(w.document)[1].state == ActionState.EXECUTED
    assert len(client_emails(mailoutbox, w.document)) == 1


def test_a_formal_notice_never_goes_without_the_members_ok(make, run, mailoutbox):
    w = make(due_days_ago=40)  # every step is due as soon as it is announced
    for n in range(0, 40):
        run(n)
    a = actions_of(w.document)
    assert a[1].state == a[2].state == ActionState.EXECUTED
    assert a[3].state == ActionState.SCHEDULED and a[3].needs_approval and a[3].due_on < day(40)
    if NOTIFICATIONS:
        assert notifications().filter(user=w.member.user, body__contains="1 of them waits for your OK").exists()
    services.decide(actor=w.member.user, action=a[3], decision="approve")
    mailoutbox.clear()
    run(40)
    a = actions_of(w.document)
    assert a[3].state == ActionState.EXECUTED
    [mail] = client_emails(mailoutbox, w.document)
    assert mail.subject == in_document_language(w.document, "Formal notice to pay invoice {number}")
    assert sorted(name for name, *_ in mail.attachments) == sorted(
        [f"{w.document.number}.pdf", a[3].letter.name.rsplit("/", 1)[1]])
    assert all(data.startswith(b"%PDF-") for _n, data, _m in mail.attachments)


def test_paid_invoice_cancels_pending_actions_on_demand_and_in_the_run(make, run, mailoutbox):
    w = make(due_days_ago=10)
    run(0)
    Document.objects.filter(pk=w.document.pk).update(payment_state="paid", paid_amount=w.document.payable)
    run(3)  # claimed, then the executor finds it paid
    a = actions_of(w.document)
    assert all(x.state == ActionState.CANCELLED and x.reason == "paid" for x in a.values())
    assert not client_emails(mailoutbox, w.document)
    # unpaid again (a payment undone): refresh_document reopens and announces them again
    Document.objects.filter(pk=w.document.pk).update(payment_state="awaiting", paid_amount=0)
    out = services.refresh_document(w.document)
    assert out["reopened"] == 4
    a = actions_of(w.document)
    assert a[1].state == ActionState.SCHEDULED and a[1].due_on >= day(4) and a[2].blocked
    Document.objects.filter(pk=w.document.pk).update(payment_state="paid")
    assert services.refresh_document(w.document)["cancelled"] == 4


def test_running_twice_changes_nothing_more(make, run, mailoutbox):
    w = make(due_days_ago=10)
    run(0)
    run(3)
    states = {o: (a.state, a.due_on, a.blocked) for o, a in actions_of(w.document).items()}
    mails, notes = len(mailoutbox), notifications().count() if NOTIFICATIONS else 0
    again = run(3)
    assert again["planned"] == again["announced"] == again["claimed"] == 0
    assert {o: (a.state, a.due_on, a.blocked) for o, a in actions_of(w.document).items()} == states
    assert len(mailoutbox) == mails and (notifications().count() if NOTIFICATIONS else 0) == notes
    # a newly issued invoice is planned once, by the next run
    from compagnon.einvoice.tests.scenarios import _line, issue

    new = issue(w.member, w.activity, w.client, [_line("More work", "1", "100", unit="LS")])
    assert run(4)["planned"] == 4 and run(4)["planned"] == 0
    assert AutomatedAction.objects.filter(document=new).count() == 4


def test_activity_preferences_and_never_remind_a_client(make, run, mailoutbox):
    w = make(due_days_ago=10)
    services.set_activity_preferences(actor=w.member.user, activity=w.activity, ask_before_formal_notice=True,
                                      ask_before_every_step=True, paused=False)
    assert all(a.needs_approval for a in actions_of(w.document).values())
    services.set_activity_preferences(actor=w.member.user, activity=w.activity, ask_before_formal_notice=True,
                                      ask_before_every_step=False, paused=True)
    assert not actions_of(w.document)[1].needs_approval
    run(0)
    run(3)
    assert actions_of(w.document)[1].state == ActionState.SCHEDULED  # paused: nothing goes, nothing announced
    services.set_activity_preferences(actor=w.member.user, activity=w.activity, ask_before_formal_notice=True,
                                      ask_before_every_step=False, paused=False)
    first = actions_of(w.document)[1]
    assert first.announce_on == day(4) and first.due_on == day(7)  # announced again before it goes
    services.set_client_preference(actor=w.member.user, client=w.client, never_remind=True)
    assert actions_of(w.document)[1].needs_approval
    for n in range(4, 9):
        run(n)
    assert not client_emails(mailoutbox, w.document)
    other = make()
    with pytest.raises(PermissionDenied):
        services.set_client_preference(actor=other.member.user, client=w.client, never_remind=False)


def test_letter_channel_makes_a_pdf_for_the_member_to_post(make, run, mailoutbox):
    w = make(due_days_ago=10)
    step = PlanStep.objects.get(plan__entity=w.entity, order=1)
    services.save_step(actor=w.admin, plan=step.plan, step=step, channel=Channel.LETTER)
    run(0)
    run(3)
    first = actions_of(w.document)[1]
    assert first.state == ActionState.EXECUTED and first.letter.name.endswith(".pdf")
    assert not client_emails(mailoutbox, w.document)
    [mail] = [m for m in mailoutbox if w.member.user.email in m.to and "Letter to post" in m.subject]
    assert mail.attachments[0][1].startswith(b"%PDF-")
    assert not NOTIFICATIONS or notifications().filter(user=w.member.user, title__startswith="Letter to post").exists()


def test_custom_text_per_language_with_placeholders(make, run, mailoutbox):
    w = make(due_days_ago=10)
    step = PlanStep.objects.get(plan__entity=w.entity, order=1)
    services.save_step(actor=w.admin, plan=step.plan, step=step, texts_by_language={
        "fr": ("Facture {number} en attente", "Bonjour {client},\nMontant dû : {amount_due}.\n{signature}")})
    run(0)
    run(3)
    [mail] = client_emails(mailoutbox, w.document)
    assert mail.subject == f"Facture {w.document.number} en attente"
    assert "Montant dû : 1 200,00 €" in mail.body.replace("\u202f", " ").replace("\xa0", " ")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.save_step(actor=w.admin, plan=step.plan, step=step, texts_by_language={"en": ("x", "{secret}")})


def test_litigation_opens_a_case_for_the_collections_service_and_the_member(make, run, client):
    from compagnon.core.tests.factories import staff

    w = make(due_days_ago=70)
    agent = staff("support", w.entity, service="collections")
    for n in range(0, 70):
        run(n)
        for a in AutomatedAction.objects.filter(document=w.document, state="scheduled", needs_approval=True,
                                                blocked=False):
            services.decide(actor=w.member.user, action=a, decision="approve")
    a = actions_of(w.document)
    assert a[4].state == ActionState.EXECUTED
    case = CollectionCase.objects.get()
    assert case.client == w.client and case.status == "new" and list(case.documents.all()) == [w.document]
    assert not NOTIFICATIONS or notifications().filter(user=agent, url=f"/collections/cases/{case.pk}/").exists()
    client.force_login(agent)
    queue = client.get("/collections/cases/")
    assert queue.status_code == 200 and w.client.name.encode() in queue.content
    client.post(f"/collections/cases/{case.pk}/notes/", {"body": "Called the client, promise to pay.", "for_member": "on"})
    client.post(f"/collections/cases/{case.pk}/notes/", {"body": "Internal: check solvency."})
    client.post(f"/collections/cases/{case.pk}/status/", {"status": "in_progress"})
    case.refresh_from_db()
    assert case.status == "in_progress"
    client.force_login(w.member.user)
    page = client.get(f"/collections/cases/{case.pk}/")
    assert page.status_code == 200 and b"promise to pay" in page.content and b"solvency" not in page.content
    assert client.post(f"/collections/cases/{case.pk}/status/", {"status": "closed"}).status_code == 403
    mine = client.get("/collections/cases/")
    assert mine.status_code == 200 and str(case).encode() in mine.content


def test_quote_follow_up(make, run, mailoutbox):
    w = make(quote=True)
    [follow] = AutomatedAction.objects.filter(document=w.document)
    assert follow.kind == StepKind.QUOTE_FOLLOW_UP and follow.due_on == day(10)
    for n in range(0, 11):
        run(n)
    follow.refresh_from_db()
    assert follow.state == ActionState.EXECUTED
    [mail] = client_emails(mailoutbox, w.document)
    assert mail.subject == in_document_language(w.document, "Our quote {number}") and mail.attachments[0][1].startswith(b"%PDF-")
    # an answered quote is not followed up
    w2 = make(quote=True)
    from compagnon.sales import services as sales

    sales.change_quote_state(actor=w2.member.user, document=w2.document, to_state="accepted")
    services.refresh_document(w2.document)
    assert AutomatedAction.objects.get(document=w2.document).state == ActionState.CANCELLED


def test_removing_a_step_cancels_its_actions_and_frees_the_next(make):
    w = make(due_days_ago=10)
    step = PlanStep.objects.get(plan__entity=w.entity, order=1)
    services.remove_step(actor=w.admin, step=step)
    a = actions_of(w.document)
    assert a[1].state == ActionState.CANCELLED and not a[2].blocked


def test_deactivating_the_plan_cancels_pending_actions(make):
    w = make(due_days_ago=10)
    plan = CollectionPlan.objects.get(entity=w.entity)
    services.save_plan(actor=w.admin, plan=plan, active=False)
    assert set(AutomatedAction.objects.values_list("state", flat=True)) == {"cancelled"}
    assert not ActivityPreference.objects.exists()


def test_manage_command_runs_a_day(make, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    make(due_days_ago=10)
    out = StringIO()
    call_command("run_collections", "--date", TODAY.isoformat(), stdout=out)
    assert '"announced": 1' in out.getvalue()
    later = (TODAY + datetime.timedelta(days=3)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_collections", "--date", later, "--inline", stdout=out)
    assert AutomatedAction.objects.filter(state="executed").count() == 1


def test_the_daily_task_reschedules_itself_once_per_day(make, settings):
    from compagnon.dunning import tasks

    make(due_days_ago=10)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # defers
    backend = tasks.run_collections.get_backend()
    assert backend.supports_defer
    summary = tasks.run_collections.call(date=TODAY.isoformat(), reschedule=True)
    assert summary["announced"] == 1
    assert not tasks.schedule_next(TODAY)  # a second copy does not start a second chain
    [queued] = [r for r in backend.results if r.task.name == "run_collections"]
    assert queued.kwargs == {"date": day(1).isoformat(), "reschedule": True}
    assert timezone.localtime(queued.task.run_after).date() == day(1)


def test_a_bank_payment_cancels_the_planned_steps_and_undoing_it_brings_them_back(make, run):
    """The member never sees a reminder still planned for an invoice the bank shows paid, not
    even until the next daily run; when the accountant undoes a wrong match they come back."""
    from compagnon.audit.models import AuditEvent
    from compagnon.payments import services as payments
    from compagnon.payments.matching import match_transactions
    from compagnon.payments.models import Allocation
    from compagnon.payments.tests.helpers import account, accountant, transaction

    w = make(due_days_ago=10)
    other = make(due_days_ago=10)  # another invoice of the same plan, not paid: untouched
    run(0)
    assert all(a.state == ActionState.SCHEDULED for a in actions_of(w.document).values())
    w.document.refresh_from_db()
    t = transaction(account(w.entity), w.document.payable, structured=w.document.payment_reference)

    assert match_transactions([t], actor=accountant(w.entity)).matched == 1

    a = actions_of(w.document)
    assert all(x.state == ActionState.CANCELLED and x.reason == "paid" for x in a.values())
    assert all(x.state == ActionState.SCHEDULED for x in actions_of(other.document).values())
    event = AuditEvent.objects.get(action="collections.document_closed", object_id=str(w.document.pk))
    assert event.activity_id == w.activity.pk and w.document.number in event.params["document"]

    payments.reverse_allocation(actor=accountant(w.entity), allocation=Allocation.objects.get(transaction=t),
                                reason="wrong invoice")
    a = actions_of(w.document)
    assert all(x.state == ActionState.SCHEDULED for x in a.values())
    assert a[1].announce_on >= TODAY  # announced to the member again before anything goes


def test_a_bank_payment_reaches_the_litigation_case_even_when_nothing_is_left_to_cancel(make, run):
    """Once the file is handed over, no step is pending any more: the case timeline still says the
    invoice was paid, so the collections agent stops chasing it."""
    from compagnon.dunning.models import CaseDocument, CaseEvent
    from compagnon.payments.matching import match_transactions
    from compagnon.payments.tests.helpers import account, accountant, transaction

    w = make(due_days_ago=70)
    run(0)
    handover = actions_of(w.document)[4]
    AutomatedAction.objects.filter(document=w.document).update(state=ActionState.EXECUTED)
    case = CollectionCase.objects.create(entity=w.entity, activity=w.activity, client=w.client)
    CaseDocument.objects.create(case=case, document=w.document, action=handover)
    w.document.refresh_from_db()
    t = transaction(account(w.entity), w.document.payable, structured=w.document.payment_reference)

    assert match_transactions([t], actor=accountant(w.entity)).matched == 1

    [event] = CaseEvent.objects.filter(case=case, kind="document_paid")
    assert event.params == {"document": w.document.number} and event.for_member
    assert all(a.state == ActionState.EXECUTED for a in actions_of(w.document).values())
