"""The pages of the member's journeys (and the advisor's and accountant's), shared by the locale
scan, the tap-target and the accessibility tests so that the three look at the same screens.

``journeys(base_url)`` prepares what the demo lacks (a statement of work, a client link to a sent
quote) and returns, per person, the pages to visit. Call it inside a test that uses the ``demo``
fixture (the live server reads that database).
"""

import datetime
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import models
from playwright.sync_api import expect

from compagnon.members.models import Activity, Member
from compagnon.sales.models import Document, Kind, State

from .conftest import PHONE  # noqa: F401 - the phone the three tests use

PASSWORD = "demo"
MEMBER = "member1@demo.coop"  # Camille, reads the app in French
ADVISOR = "advisor@demo.coop"
ACCOUNTANT = "accountant@demo.coop"
ACTIVITY = "Les Jardins de Camille"


@dataclass(frozen=True)
class Visit:
    name: str  # a short slug, for messages and screenshots
    path: str


def log_in(page, email, password=PASSWORD):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/home/$"))


def _statement(user, activity):
    """A draft statement of the first week of the demo's time entries: the later hours (and the
    expense) stay in the "not on a statement yet" box."""
    from compagnon.timesheets import services as timesheets
    from compagnon.timesheets.models import TimeEntry

    existing = Document.objects.filter(activity=activity, statement_period__isnull=False).first()
    if existing:
        return existing
    first = (TimeEntry.objects.filter(activity=activity, billable=True, client__isnull=False)
             .order_by("date", "pk").first())
    if first is None:
        return None
    return timesheets.build_statement(
        actor=user, activity=activity, client=first.client,
        period_start=first.date, period_end=first.date + datetime.timedelta(days=6),
    )


def _portal_path(user, document):
    from compagnon.portal import services as portal

    access = portal.create_portal_link(actor=user, document=document)
    return "/" + portal.portal_url(access, "http://x").split("/", 3)[3]


def member_pages(base_url=""):
    """Every page of Camille's day, in the order she meets them."""
    user = get_user_model().objects.get(email=MEMBER)
    activity = Activity.objects.get(name=ACTIVITY)
    documents = Document.objects.filter(activity=activity).order_by("pk")
    draft = documents.filter(state=State.DRAFT, kind=Kind.INVOICE).first()
    draft_quote = documents.filter(state=State.DRAFT, kind=Kind.QUOTE).first()
    issued = documents.filter(kind=Kind.INVOICE, state=State.ISSUED).first()
    sent_quote = documents.filter(kind=Kind.QUOTE, state=State.SENT).first()
    client = issued.client
    statement = _statement(user, activity)
    a = activity.pk
    pages = [
        Visit("home", "/home/"),
        Visit("money", "/money/"),
        Visit("activity-money", f"/activities/{a}/money/"),
        Visit("activity", f"/activities/{a}/"),
        Visit("activity-accounts", f"/activities/{a}/accounts/"),
        Visit("activity-settings", f"/activities/{a}/settings/"),
        Visit("catalogue", f"/activities/{a}/catalogue/"),
        Visit("clients", "/clients/"),
        Visit("client", f"/clients/{client.pk}/"),
        Visit("client-new", "/clients/new/"),
        Visit("documents", "/documents/"),
        Visit("document-new", "/documents/new/"),
        Visit("editor", f"/documents/{draft.pk}/"),
        Visit("quote-editor", f"/documents/{draft_quote.pk}/"),
        Visit("confirm", f"/documents/{draft.pk}/issue/"),
        Visit("preview", f"/documents/{draft.pk}/preview/"),
        Visit("document", f"/documents/{issued.pk}/"),
        Visit("quote", f"/documents/{sent_quote.pk}/"),
        Visit("timesheets", f"/activities/{a}/time/"),
        Visit("expenses", f"/activities/{a}/time/expenses/"),
        Visit("statements", f"/activities/{a}/statements/"),
        Visit("collections", f"/collections/activities/{a}/"),
        Visit("notifications", "/notifications/"),
        Visit("settings", "/settings/"),
        Visit("profile", "/profile/"),
    ]
    if statement is not None:
        pages.append(Visit("statement", f"/activities/{a}/statements/{statement.pk}/"))
    pages.append(Visit("portal", _portal_path(user, sent_quote)))
    pages.extend(field_pages(user))
    pages.extend(governance_pages(user))
    pages.extend([Visit("barter", "/cooperation/barter/"), Visit("positions", "/cooperation/positions/")])
    pages.extend(working_together_pages(user))
    pages.extend(member_services_pages(user))
    pages.extend(know_how_pages(user))
    return pages


def know_how_pages(user):
    """What Camille knows and shares with colleagues: the procedures (one in force and its
    history, the review queue), questions to colleagues (one answered), her after-sales cases
    (one of them), the tenders for her and her group answer."""
    from compagnon.aftersales import selectors as aftersales
    from compagnon.peerhelp import selectors as peerhelp
    from compagnon.procedures import selectors as procedures
    from compagnon.tenders import selectors as tenders

    pages = [
        Visit("procedures", "/procedures/"), Visit("procedure-new", "/procedures/new/"),
        Visit("procedures-review", "/procedures/review/"), Visit("procedures-mine", "/procedures/mine/"),
        Visit("peerhelp", "/help-each-other/"), Visit("peerhelp-ask", "/help-each-other/ask/"),
        Visit("aftersales", "/after-sales/"), Visit("warranty", "/after-sales/warranty/"),
        Visit("tenders", "/tenders/"), Visit("tenders-documents", "/tenders/documents/"),
    ]
    procedure = procedures.in_force(user).order_by("pk").first()
    if procedure is not None:
        pages += [Visit("procedure", f"/procedures/{procedure.pk}/"),
                  Visit("procedure-history", f"/procedures/{procedure.pk}/history/")]
    question = peerhelp.questions(user).order_by("pk").first()
    if question is not None:
        pages.append(Visit("question", f"/help-each-other/{question.pk}/"))
    case = aftersales.cases(user).order_by("pk").first()
    if case is not None:
        pages.append(Visit("aftersales-case", f"/after-sales/{case.pk}/"))
    notice = tenders.for_me(user).order_by("pk").first()
    if notice is not None:
        pages.append(Visit("notice", f"/tenders/notices/{notice.pk}/"))
    answer = tenders.answers(user).order_by("pk").first()
    if answer is not None:
        pages.append(Visit("tender-answer", f"/tenders/answers/{answer.pk}/"))
    return pages


def member_services_pages(user):
    """Camille among her colleagues: the directory and a colleague's card, the map, her messages
    and a conversation, the help centre and an article, the glossary and the FAQ, her first steps
    and the kit, her requests for help and one of them, her advisor, the agenda and an event, the
    trainings, mentoring, the news."""
    from compagnon.directory.models import DirectoryProfile
    from compagnon.events import selectors as events
    from compagnon.knowledge import selectors as knowledge
    from compagnon.messaging import selectors as messaging
    from compagnon.support import selectors as support

    pages = [
        Visit("directory", "/directory/"), Visit("directory-trade", "/directory/?q=jardin"),
        Visit("directory-map", "/directory/map/"), Visit("directory-profile", "/directory/profile/"),
        Visit("messages", "/messages/"), Visit("message-new", "/messages/new/"),
        Visit("messages-settings", "/messages/settings/"),
        Visit("help", "/help/"), Visit("faq", "/help/faq/"), Visit("glossary", "/help/glossary/"),
        Visit("first-steps", "/onboarding/"), Visit("kit", "/onboarding/kit/"),
        Visit("support", "/support/"), Visit("support-new", "/support/new/"),
        Visit("my-advisor", "/advising/mine/"),
        Visit("agenda", "/events/"), Visit("my-events", "/events/mine/"), Visit("trainings", "/events/trainings/"),
        Visit("mentoring", "/events/mentoring/"),
        Visit("news", "/news/"), Visit("news-preferences", "/mailings/preferences/"),
    ]
    me = Member.objects.get(user=user)
    colleague = (DirectoryProfile.objects.filter(member__entity=me.entity).exclude(member=me)
                 .order_by("member_id").values_list("member_id", flat=True).first())
    if colleague is not None:
        pages.append(Visit("directory-member", f"/directory/members/{colleague}/"))
    talk = messaging.inbox(user).order_by("pk").first()
    if talk is not None:
        pages.append(Visit("conversation", f"/messages/{talk.conversation_id}/"))
    article = knowledge.published_list(user).order_by("pk").first()
    if article is not None:
        pages.append(Visit("article", f"/help/a/{article.pk}/"))
    asked = support.my_requests(user).order_by("pk").first()
    if asked is not None:
        pages.append(Visit("support-request", f"/support/{asked.pk}/"))
    event = events.agenda(user).first()
    if event is not None:
        pages.append(Visit("event", f"/events/{event.pk}/"))
    return pages


def working_together_pages(user):
    """Camille's internal subcontracting (the list, and a subcontract with its internal invoice
    when the demo gave her one)."""
    from compagnon.subcontracting.models import Subcontract

    member = Member.objects.get(user=user)
    from compagnon.buying.models import GroupPurchase

    pages = [Visit("subcontracting", "/subcontracting/"), Visit("subcontracting-new", "/subcontracting/new/"),
             Visit("buying", "/buying/"), Visit("buying-suppliers", "/buying/suppliers/"),
             Visit("buying-new", "/buying/new/")]
    group = GroupPurchase.objects.filter(entity=member.entity).order_by("pk").first()
    if group is not None:
        pages.append(Visit("group-purchase", f"/buying/{group.pk}/"))
    from compagnon.jobs.models import Job

    pages += [Visit("jobs", "/jobs/"), Visit("jobs-new", "/jobs/new/"), Visit("jobs-offers", "/jobs/offers/")]
    job = Job.objects.filter(member=member).order_by("pk").first()
    if job is not None:
        pages.append(Visit("job", f"/jobs/{job.pk}/"))
    mine = Subcontract.objects.filter(
        models.Q(ordering__memberships__member=member) | models.Q(provider__memberships__member=member)
    ).order_by("pk").first()
    if mine is not None:
        pages.append(Visit("subcontract", f"/subcontracting/{mine.pk}/"))
    return pages


def governance_pages(user):
    """Camille as an associate: her shares, the assemblies, the open vote, the decisions."""
    from compagnon.governance.models import Assembly

    entity = Member.objects.get(user=user).entity
    pages = [
        Visit("governance", "/governance/"),
        Visit("assemblies", f"/governance/{entity.pk}/assemblies/"),
        Visit("decisions", f"/governance/{entity.pk}/decisions/"),
        Visit("transparency", f"/governance/{entity.pk}/transparency/"),
    ]
    for assembly in Assembly.objects.filter(entity=entity).order_by("pk"):
        pages.append(Visit(f"assembly-{assembly.pk}", f"/governance/assemblies/{assembly.pk}/"))
        pages.append(Visit(f"verify-{assembly.pk}", f"/governance/assemblies/{assembly.pk}/verify/"))
    return pages


def field_pages(user):
    """Camille's field work: her day, a visit, sheets, stock, the sector's week and proposals,
    contracts, the invoices to send; and the public request page of the cooperative."""
    from compagnon.fieldwork.models import Sector
    from compagnon.fieldwork.models import Visit as FieldVisit

    member = Member.objects.get(user=user)
    pages = [
        Visit("today", "/interventions/"),
        Visit("sheets", "/interventions/sheets/"),
        Visit("stock", "/interventions/stock/"),
        Visit("equipment", "/interventions/equipment/"),
        Visit("fieldwork", "/fieldwork/"),
        Visit("fieldwork-week", "/fieldwork/week/"),
        Visit("field-requests", "/fieldwork/requests/"),
        Visit("field-contracts", "/fieldwork/contracts/"),
        Visit("home-services", "/home-services/"),
    ]
    visit = FieldVisit.objects.filter(member=member).order_by("-day", "pk").first()
    if visit is not None:
        pages.append(Visit("on-site", f"/interventions/visits/{visit.pk}/"))
        pages.append(Visit("field-visit", f"/fieldwork/visits/{visit.pk}/"))
    sector = Sector.objects.filter(lead=member).order_by("pk").first()
    if sector is not None:
        pages.append(Visit("sector-week", f"/fieldwork/sectors/{sector.pk}/"))
        pages.append(Visit("proposals", f"/planning/sectors/{sector.pk}/"))
        pages.append(Visit("request-form", f"/request/{sector.entity_id}/"))
    return pages


def advisor_pages():
    member = Member.objects.filter(user__email=MEMBER).first()
    return [
        Visit("members", "/members/"),
        Visit("member", f"/members/{member.pk}/"),
        Visit("advisor-home", "/home/"),
        Visit("jobs-check", "/jobs/check/"),
        Visit("my-members", "/advising/members/"),
        Visit("advising-member", f"/advising/members/{member.pk}/"),
        Visit("absences", "/advising/absences/"),
        Visit("onboarding-follow", "/onboarding/follow/"),
        Visit("mailings", "/mailings/"),
        Visit("mailing-new", "/mailings/new/"),
        Visit("event-proposals", "/events/proposals/"),
        Visit("mentoring-pairs", "/events/mentoring/pairs/"),
        *recruiting_pages(),
    ]


def recruiting_pages():
    """The advisor's recruiting: the pipeline and one application, the information meetings and
    one of them, the open needs and calls, the teams' load; and the public form and calls."""
    from compagnon.accounts.models import User
    from compagnon.recruiting import selectors as recruiting

    advisor = User.objects.get(email="advisor@demo.coop")
    entity = Member.objects.get(user__email=MEMBER).entity
    pages = [
        Visit("recruiting", "/recruiting/"), Visit("recruiting-meetings", "/recruiting/meetings/"),
        Visit("recruiting-needs", "/recruiting/needs/"), Visit("recruiting-load", "/recruiting/load/"),
        Visit("join", f"/join/{entity.pk}/"), Visit("join-calls", f"/join/{entity.pk}/calls/"),
    ]
    application = recruiting.applications(advisor).order_by("pk").first()
    if application is not None:
        pages.append(Visit("application", f"/recruiting/applications/{application.pk}/"))
    meeting = recruiting.meetings(advisor).order_by("pk").first()
    if meeting is not None:
        pages.append(Visit("meeting", f"/recruiting/meetings/{meeting.pk}/"))
    return pages


def accountant_pages():
    entity = Member.objects.get(user__email=MEMBER).entity
    return [
        Visit("share-register", f"/governance/{entity.pk}/register/"),
        Visit("ledger", "/ledger/"),
        Visit("journal", f"/ledger/{entity.pk}/journal/"),
        Visit("figures", f"/ledger/{entity.pk}/figures/"),
        Visit("payments", "/payments/"),
        Visit("collections-cases", "/collections/cases/"),
    ]


def dutch_member():
    """A Belgian member who reads the app in Dutch, with an activity and documents."""
    activity = (
        Activity.objects.filter(memberships__member__user__language="nl", documents__isnull=False)
        .distinct().order_by("pk").first()
    )
    membership = activity.memberships.filter(member__user__language="nl").order_by("pk").first()
    return membership.member.user.email, activity


def dutch_pages(activity):
    a = activity.pk
    documents = Document.objects.filter(activity=activity).order_by("pk")
    pages = [
        Visit("nl-home", "/home/"),
        Visit("nl-activity-money", f"/activities/{a}/money/"),
        Visit("nl-clients", "/clients/"),
        Visit("nl-documents", "/documents/"),
        Visit("nl-timesheets", f"/activities/{a}/time/"),
        Visit("nl-statements", f"/activities/{a}/statements/"),
        Visit("nl-notifications", "/notifications/"),
    ]
    issued = documents.exclude(state=State.DRAFT).first()
    if issued:
        pages.append(Visit("nl-document", f"/documents/{issued.pk}/"))
    return pages
