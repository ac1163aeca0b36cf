"""Pages of peer help: the questions (search, mine, for me, followed), asking (with the "maybe
already answered" list while typing), one question with its answers, and the small actions
(answer, accept, "this helped", close, follow), the photos, and calling a colleague in on a job.

Questions come from the selectors (404 outside the reader's entities); actions check the rules
(403 for a visible question one may not change)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from compagnon.core.params import (
    bool_param,
    choice_param,
    id_param,
    lite_page,
    page_param,
    text_param,
)
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action

from . import search, selectors, services
from .forms import AnswerForm, AskForm, SearchForm

PER_PAGE = 20
PROCEDURE_TEXT_MAX = 1500


@login_required
def index(request):
    q = text_param(request, "q")
    trade_id = id_param(request, "trade")
    state = choice_param(request, "state", selectors.STATES)
    show = choice_param(request, "show", selectors.SHOW)
    form = SearchForm(request.GET or None)
    form.is_valid()
    # pages without counting: counting every match of a common word would cost more than the page
    page = lite_page(selectors.find(request.user, q=q, trade_id=trade_id, state=state, show=show),
                     page_param(request), PER_PAGE)
    return render(request, "peerhelp/index.html", {
        "form": form, "page": page, "q": q, "show": show, "searching": bool(q or trade_id or state),
        "may_ask": request.user.has_perm("peerhelp.ask"),
        "query": urlencode({k: v for k, v in (("q", q), ("trade", trade_id or ""), ("state", state),
                                             ("show", show)) if v}),
    })


def _ask_context(request, form, title=""):
    return {"form": form, "suggestions": search.suggestions(selectors.questions(request.user), title)}


@login_required
def ask(request):
    if not request.user.has_perm("peerhelp.ask"):
        raise PermissionDenied(_("Only members of the cooperative ask their colleagues."))
    if request.method != "POST":
        return render(request, "peerhelp/ask.html", _ask_context(request, AskForm()))
    form = AskForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            question = services.ask(actor=request.user, title=d["title"], body=d["body"], trade=d["trade"],
                                    skills=d["skills"], photos=d["photos"], client_key=d["client_key"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if not getattr(question, "already_sent", False):
                messages.success(request, _("Question sent: the colleagues who know the trade receive it now."))
            return redirect("peerhelp-question", question.pk)
    return render(request, "peerhelp/ask.html", _ask_context(request, form, request.POST.get("title", "")), status=400)


@login_required
@require_GET
def suggest(request):
    """The "maybe already answered" list for what is typed (``?title=``): a piece of page."""
    title = text_param(request, "title")
    return render(request, "peerhelp/_suggestions.html",
                  {"suggestions": search.suggestions(selectors.questions(request.user), title)})


def procedure_link(question, accepted) -> str | None:
    """``procedures-create`` filled with the question and its accepted answer (None before an
    answer is accepted)."""
    if accepted is None:
        return None
    base = reverse("procedures-create")
    body = "\n\n".join(p for p in (question.title, question.body, _("Answer:"), accepted.body) if p)
    if len(body) > PROCEDURE_TEXT_MAX:
        body = body[:PROCEDURE_TEXT_MAX - 1] + "…"
    params = {"title": question.title, "body": body, "source": f"peerhelp.question:{question.pk}"}
    if question.trade_id:
        params["trade"] = question.trade_id
    return f"{base}?{urlencode(params)}"


def _question_context(request, question, answer_form=None):
    answers = selectors.answers_of(request.user, question)
    accepted = next((a for a in answers if a.pk == question.accepted_id), None)
    user = request.user
    for a in answers:
        a.may_accept = user.has_perm("peerhelp.accept", a) and a.pk != question.accepted_id
        a.may_mark = user.has_perm("peerhelp.mark_helped", a) and not a.marked
        a.may_call_in = (a.member_id is not None and question.asker.user_id == user.pk
                         and a.member_id != question.asker_id)
    return {
        "question": question, "answers": answers, "accepted": accepted,
        "photos": selectors.question_photos(question),
        "answer_form": answer_form if answer_form is not None else (
            AnswerForm() if user.has_perm("peerhelp.answer", question) else None),
        "is_asker": question.asker.user_id == user.pk,
        "may_close": user.has_perm("peerhelp.close", question),
        "following": selectors.follows(user, question),
        "reached_names": selectors.reached_names(user, question) if question.reached_count else [],
        "procedure_url": procedure_link(question, accepted),
    }


@login_required
def question_page(request, pk):
    question = get_or_404(selectors.question, request.user, pk)
    return render(request, "peerhelp/question.html", _question_context(request, question))


@login_required
@require_POST
def answer_post(request, pk):
    question = get_or_404(selectors.question, request.user, pk)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            made = services.answer(actor=request.user, question=question, body=form.cleaned_data["body"],
                                   photos=form.cleaned_data["photos"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Answer sent. Thank you for helping!"))
            return redirect(reverse("peerhelp-question", args=[question.pk]) + f"#answer-{made.pk}")
    return render(request, "peerhelp/question.html", _question_context(request, question, form), status=400)


@login_required
@require_POST
def accept(request, pk):
    a = get_or_404(selectors.answer, request.user, pk)
    return run_action(request, services.accept, answer=a, success=_("Answer accepted: its author is told."),
                      redirect_to=reverse("peerhelp-question", args=[a.question_id]))


@login_required
@require_POST
def helped(request, pk):
    a = get_or_404(selectors.answer, request.user, pk)
    return run_action(request, services.mark_helped, answer=a, success=_("Thank you: the author sees it helped."),
                      redirect_to=reverse("peerhelp-question", args=[a.question_id]) + f"#answer-{a.pk}")


@login_required
@require_POST
def close(request, pk):
    question = get_or_404(selectors.question, request.user, pk)
    return run_action(request, services.close, question=question, success=_("Question closed."),
                      redirect_to=reverse("peerhelp-question", args=[question.pk]))


@login_required
@require_POST
def follow(request, pk):
    question = get_or_404(selectors.question, request.user, pk)
    on = bool_param(request.POST, "on", default=True)
    return run_action(request, services.follow, question=question, on=on,
                      success=_("You will hear of new answers.") if on else _("You no longer follow this question."),
                      redirect_to=reverse("peerhelp-question", args=[question.pk]))


@login_required
@require_GET
def photo(request, pk):
    item = get_or_404(selectors.photo_for, request.user, pk)
    response = FileResponse(item.file.open("rb"), filename=item.name, content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def call_in(request, pk):
    """From an answer, the asker calls its author in on one of their jobs: the job's hand-over
    with the colleague chosen (``jobs-offer?colleague=<member>``)."""
    a = get_or_404(selectors.answer, request.user, pk)
    question = a.question
    if question.asker.user_id != request.user.pk or a.member_id is None or a.member_id == question.asker_id:
        raise PermissionDenied(_("Only the member who asked calls a colleague in from an answer."))
    from compagnon.jobs.selectors import my_jobs

    jobs = list(my_jobs(request.user).order_by("-id")[:30])
    for job in jobs:
        job.offer_url = f"{reverse('jobs-offer', args=[job.pk])}?{urlencode({'colleague': a.member_id})}"
    return render(request, "peerhelp/call_in.html", {"answer": a, "question": question, "jobs": jobs,
                                                     "colleague": a.member.user.get_full_name() or a.member.user.email})
