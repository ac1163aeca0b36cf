"""Pages around the articles: the FAQ, the glossary inside the help centre, topics with their
expert members, and what editors keep (topics, FAQ entries, experts)."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.params import id_param, text_param
from compagnon.core.services import require
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action
from compagnon.glossary import terms as glossary
from compagnon.organisation.models import Entity

from . import catalogue, selectors
from .forms import FaqForm, TopicForm, VolunteerForm
from .models import LANGUAGES, Topic, in_language, reader_language
from .rules import editor_entity_ids, reader_entity_ids
from .text import render as markdown


def _readers_only(user):
    if not reader_entity_ids(user):
        raise Http404


def _editor_entity(request) -> Entity:
    """The entity an editor works on: the ``entity`` field of the form, else their first one."""
    editors = editor_entity_ids(request.user)
    if not editors:
        raise Http404
    wanted = id_param(request.POST if request.method == "POST" else request.GET, "entity")
    entity_id = wanted if wanted in editors else min(editors)
    return Entity.objects.get(pk=entity_id)


def _faq_rows(entries):
    lang = reader_language()
    rows = []
    for e in entries:
        question, used = in_language(e, "question", lang)
        answer = getattr(e, f"answer_{used}", "")
        rows.append({"entry": e, "question": question, "answer": markdown(answer), "other_language": used != lang,
                     "language": used})
    return rows


@login_required
def faq(request):
    _readers_only(request.user)
    rows = _faq_rows(selectors.faq(request.user))
    groups = [(topic, list(items)) for topic, items in groupby(rows, key=lambda r: r["entry"].topic)]
    editors = editor_entity_ids(request.user)
    return render(request, "knowledge/faq.html", {"groups": groups, "editors": editors, "is_editor": bool(editors)})


def _faq_topics(entity):
    return Topic.objects.filter(Q(entity=entity) | Q(shared=True)).order_by("position", "id")


@login_required
def faq_edit(request, pk=None):
    entry = get_or_404(selectors.editable_faq, request.user, pk) if pk else None
    entity = entry.entity if entry else _editor_entity(request)
    require(request.user, "knowledge.edit", entity)
    topics = _faq_topics(entity)
    if request.method == "POST":
        form = FaqForm(request.POST, topics=topics)
        if form.is_valid():
            try:
                catalogue.save_faq(actor=request.user, entity=entity, entry=entry, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("FAQ entry saved."))
                return redirect("knowledge-faq")
        return render(request, "knowledge/faq_edit.html", {"form": form, "entry": entry, "entity": entity},
                      status=400)
    initial = {}
    if entry:
        initial = {f: getattr(entry, f) for f in ("position", "shared", *[f"{k}_{c}" for k in ("question", "answer")
                                                                          for c in LANGUAGES])}
        initial["topic"] = entry.topic_id
    return render(request, "knowledge/faq_edit.html", {"form": FaqForm(topics=topics, initial=initial),
                                                        "entry": entry, "entity": entity})


@login_required
@require_POST
def faq_delete(request, pk):
    entry = get_or_404(selectors.editable_faq, request.user, pk)
    return run_action(request, catalogue.delete_faq, entry=entry, redirect_to=reverse("knowledge-faq"),
                      success=_("FAQ entry removed."))


@login_required
def glossary_page(request):
    _readers_only(request.user)
    q = text_param(request, "q")
    found = glossary.search(q)
    return render(request, "knowledge/glossary.html", {"terms": found, "q": q, "total": len(glossary.TERMS),
                                                           "is_editor": bool(editor_entity_ids(request.user))})


@login_required
def topic_page(request, pk):
    topic = get_or_404(selectors.topic, request.user, pk)
    articles = selectors.with_pick(selectors.published_list(request.user, topic=topic)[:50])
    me = selectors.own_member(request.user)
    experts = selectors.experts(request.user, topic)
    mine = next((e for e in experts if me is not None and e.member_id == me.pk), None)
    may_volunteer = request.user.has_perm("knowledge.volunteer", topic)
    return render(request, "knowledge/topic.html", {
        "topic": topic, "articles": articles, "experts": experts, "mine": mine,
        "faq": _faq_rows(selectors.faq(request.user, topic_obj=topic)),
        "volunteer_form": VolunteerForm(initial={"note": mine.note if mine else ""}) if may_volunteer else None,
        "may_edit": request.user.has_perm("knowledge.edit", topic),
        "editors": editor_entity_ids(request.user),
    })


@login_required
def topic_edit(request, pk=None):
    topic = None
    if pk:
        topic = get_or_404(selectors.topic, request.user, pk)
        entity = topic.entity
    else:
        entity = _editor_entity(request)
    require(request.user, "knowledge.edit", entity)
    if request.method == "POST":
        form = TopicForm(request.POST)
        if form.is_valid():
            try:
                topic = catalogue.save_topic(actor=request.user, entity=entity, topic=topic, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Topic saved."))
                return redirect("knowledge-topic", topic.pk)
        return render(request, "knowledge/topic_edit.html", {"form": form, "topic": topic, "entity": entity},
                      status=400)
    initial = {f: getattr(topic, f) for f in TopicForm.base_fields} if topic else {}
    return render(request, "knowledge/topic_edit.html", {"form": TopicForm(initial=initial), "topic": topic,
                                                         "entity": entity})


@login_required
@require_POST
def topic_volunteer(request, pk):
    topic = get_or_404(selectors.topic, request.user, pk)
    require(request.user, "knowledge.volunteer", topic)
    form = VolunteerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Keep the note under 300 characters."))
        return redirect("knowledge-topic", pk)
    return run_action(request, catalogue.volunteer, topic=topic, note=form.cleaned_data["note"],
                      redirect_to=reverse("knowledge-topic", args=[pk]),
                      success=_("Thank you: the staff confirm experts before they are listed."))


@login_required
@require_POST
def expert_confirm(request, pk):
    expert = get_or_404(selectors.expert, request.user, pk)
    return run_action(request, catalogue.confirm_expert, expert=expert,
                      redirect_to=reverse("knowledge-topic", args=[expert.topic_id]), success=_("Expert confirmed."))


@login_required
@require_POST
def expert_withdraw(request, pk):
    expert = get_or_404(selectors.expert, request.user, pk)
    return run_action(request, catalogue.withdraw_expert, expert=expert,
                      redirect_to=reverse("knowledge-topic", args=[expert.topic_id]),
                      success=_("Removed from the experts of this topic."))
