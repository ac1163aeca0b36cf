"""The yearly review: templates of questions per entity (its administrators and advisors), one
review per member and year filled by the advisor with the member, its questions frozen when it
starts, shared with the member when done (notification and email; the PDF from ``pdf.py``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.members.models import Member
from compagnon.notifications.services import notify

from . import followup
from . import rules as _rules  # noqa: F401 - registers the rules checked below
from .models import Appointment, QuestionKind, Review, ReviewQuestion, ReviewState, ReviewTemplate

MAX_QUESTIONS = 60
LIMITS = {QuestionKind.TEXT: 300, QuestionKind.LONG_TEXT: 5000}


def _text(value, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def clean_questions(questions) -> list[dict]:
    """``[{"section", "label", "help", "kind"}]`` checked; rows without a question are dropped."""
    out = []
    for i, q in enumerate(questions or []):
        label = _text(q.get("label"), 300)
        if not label:
            continue
        kind = q.get("kind") or QuestionKind.LONG_TEXT
        if kind not in QuestionKind.values:
            raise ValidationError({"questions": [_("Question %(n)s: choose a kind of answer.") % {"n": i + 1}]})
        out.append({"section": _text(q.get("section"), 120), "label": label, "help": _text(q.get("help"), 300),
                    "kind": kind})
    if not out:
        raise ValidationError({"questions": [_("Write at least one question.")]})
    if len(out) > MAX_QUESTIONS:
        raise ValidationError({"questions": [_("A review has at most %(n)s questions.") % {"n": MAX_QUESTIONS}]})
    return out


@transaction.atomic
def save_template(*, actor, entity, name: str, questions, intro: str = "", active: bool = True,
                  template: ReviewTemplate | None = None) -> ReviewTemplate:
    """Create a review template, or change one: its questions are replaced (the reviews already
    started keep the questions they were asked)."""
    require(actor, "advising.manage_templates", entity)
    name = _text(name, 120)
    if not name:
        raise ValidationError({"name": [_("Give the template a name.")]})
    rows = clean_questions(questions)
    if template is None:
        t = ReviewTemplate.objects.create(entity=entity, name=name, intro=str(intro or "").strip()[:2000],
                                          active=bool(active), created_by=actor)
    else:
        t = ReviewTemplate.objects.select_for_update().get(pk=template.pk, entity=entity)
        t.name, t.intro, t.active = name, str(intro or "").strip()[:2000], bool(active)
        t.save()
        t.questions.all().delete()
    ReviewQuestion.objects.bulk_create([ReviewQuestion(template=t, position=i, **q) for i, q in enumerate(rows)])
    record(actor=actor, action="advising.template_saved", obj=t, entity=entity,
           message=gettext_noop("Review template %(name)s saved (%(n)s questions)"),
           params={"name": name, "n": len(rows)})
    return t


@transaction.atomic
def start_review(*, actor, member: Member, year: int, template: ReviewTemplate,
                 appointment: Appointment | None = None) -> Review:
    """Start the member's review of ``year`` from ``template`` (who follows the member)."""
    member = Member.objects.select_related("user", "entity").get(pk=member.pk)
    require(actor, "advising.follow_member", member)
    errors = {}
    if template.entity_id != member.entity_id:
        errors["template"] = [_("Choose a template of the member's entity.")]
    today = timezone.localdate()
    if not isinstance(year, int) or not today.year - 1 <= year <= today.year + 1:
        errors["year"] = [_("Choose this year, last year or next year.")]
    if appointment is not None and appointment.member_id != member.pk:
        errors["appointment"] = [_("This appointment is another member's.")]
    if not errors and Review.objects.filter(member=member, year=year).exists():
        errors["year"] = [_("This member already has a review for %(year)s.") % {"year": year}]
    if errors:
        raise ValidationError(errors)
    questions = [q.frozen() for q in template.questions.order_by("position", "id")]
    try:
        with transaction.atomic():
            r = Review.objects.create(entity_id=member.entity_id, member=member, year=year, template=template,
                                      appointment=appointment, advisor=actor, title=template.name,
                                      intro=template.intro, questions=questions)
    except IntegrityError:
        raise ValidationError({"year": [_("This member already has a review for %(year)s.") % {"year": year}]}) from None
    record(actor=actor, action="advising.review_started", obj=r, member=member, entity=member.entity,
           message=gettext_noop("Yearly review %(year)s started"), params={"year": year})
    return r


def clean_answers(review: Review, answers: dict) -> dict:
    """The answers by question id (as text), each checked against its question's kind."""
    kinds = {str(q["id"]): q["kind"] for q in review.questions}
    out = dict(review.answers)
    errors = {}
    for key, value in (answers or {}).items():
        key = str(key)
        if key not in kinds:
            continue
        kind = kinds[key]
        value = "" if value is None else str(value).strip()
        if kind == QuestionKind.NUMBER and value:
            try:
                number = Decimal(value.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
                if not number.is_finite() or abs(number) >= Decimal("1e12"):
                    raise InvalidOperation
            except InvalidOperation:
                errors[f"q_{key}"] = [_("Enter a number, for example 42000 or 12.5.")]
                continue
            value = str(number)
        elif kind == QuestionKind.YES_NO and value not in ("", "yes", "no"):
            errors[f"q_{key}"] = [_("Answer yes or no.")]
            continue
        elif kind in LIMITS:
            value = value[:LIMITS[kind]] if kind == QuestionKind.LONG_TEXT else _text(value, LIMITS[kind])
        out[key] = value
    if errors:
        raise ValidationError(errors)
    return out


def _locked(review) -> Review:
    return (Review.objects.select_for_update(of=("self",)).select_related("member__user", "member__entity")
            .get(pk=review.pk))


@transaction.atomic
def save_answers(*, actor, review: Review, answers: dict, summary: str | None = None) -> Review:
    """Save what was answered so far (a review in progress; who follows the member)."""
    r = _locked(review)
    require(actor, "advising.follow_member", r.member)
    if r.state != ReviewState.DRAFT:
        raise ValidationError({"state": [_("This review is done: it can no longer be changed.")]})
    r.answers = clean_answers(r, answers)
    if summary is not None:
        r.summary = str(summary).strip()[:5000]
    r.save(update_fields=["answers", "summary", "updated_at"])
    return r


@transaction.atomic
def complete_review(*, actor, review: Review) -> Review:
    """The review is done: it is shared with the member (told, with a link to its page and PDF)."""
    r = _locked(review)
    require(actor, "advising.follow_member", r.member)
    if r.state != ReviewState.DRAFT:
        raise ValidationError({"state": [_("This review is already done.")]})
    if not any(str(v).strip() for v in r.answers.values()):
        raise ValidationError({"answers": [_("Answer at least one question before closing the review.")]})
    r.state, r.done_at = ReviewState.DONE, timezone.now()
    r.save(update_fields=["state", "done_at", "updated_at"])
    record(actor=actor, action="advising.review_done", obj=r, member=r.member, entity=r.member.entity,
           message=gettext_noop("Yearly review %(year)s done and shared"), params={"year": r.year})
    followup.refresh([r.member_id])
    member_user, url, year = r.member.user, reverse("advising-review", args=[r.pk]), r.year
    transaction.on_commit(lambda: notify(member_user, url=url, title=lambda: _(
        "Your yearly review %(year)s is ready to read") % {"year": year}))
    _email_after_commit(r)
    return r


def _email_after_commit(review: Review) -> None:
    from django.template.loader import render_to_string
    from django.utils import translation

    from compagnon.core.tasks import send_email

    from .ical import base_url

    user = review.member.user
    if not user.email:
        return
    with translation.override(user.language or review.member.entity.default_language):
        subject = _("Your yearly review %(year)s") % {"year": review.year}
        body = render_to_string("advising/email/review.txt", {
            "review": review, "url": base_url() + reverse("advising-review", args=[review.pk]),
            "pdf_url": base_url() + reverse("advising-review-pdf", args=[review.pk])})
    to = [user.email]
    transaction.on_commit(lambda: send_email.enqueue(to=to, subject=subject, body=body))
