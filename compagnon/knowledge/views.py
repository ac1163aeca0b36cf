"""Pages of the help centre: the index with search, an article (its languages, its draft, the
review, "was this useful?"), writing and editing, the review queue, the history of versions."""

from __future__ import annotations

import difflib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.params import choice_param, id_param, paginate, text_param
from compagnon.core.services import require
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action
from compagnon.glossary import terms as glossary
from compagnon.organisation.models import LANGUAGE_CHOICES, Entity

from . import search, selectors, services
from .catalogue import SUGGESTED_PAGE_KEYS
from .forms import ArticleForm, DraftForm, FeedbackForm, ReviewForm, SettingsForm
from .models import LANGUAGES, Kind, Revision, State, Topic, reader_language
from .rules import editor_entity_ids, reader_entity_ids, writer_entity_ids
from .text import fold


def _readers_only(user):
    if not reader_entity_ids(user):
        raise Http404


def _url(article_id, lang=None):
    url = reverse("knowledge-article", args=[article_id])
    return f"{url}?lang={lang}" if lang else url


@login_required
def index(request):
    _readers_only(request.user)
    q = text_param(request, "q", max_length=200)
    topic_id = id_param(request, "topic")
    kind = choice_param(request, "kind", Kind.values)
    context = {"q": q, "kind": kind, "kinds": Kind.choices, "topics": list(selectors.topics(request.user)),
               "is_editor": bool(editor_entity_ids(request.user)),
               "may_write": bool(writer_entity_ids(request.user))}
    if q:
        context.update(results=search.articles(request.user, q, topic_id=topic_id),
                       faq_results=search.faq_entries(request.user, q), terms=search.glossary_terms(q))
    else:
        page = paginate(request, selectors.published_list(request.user, kind=kind), 20)
        page.object_list = selectors.with_pick(page.object_list)
        context["page"] = page
    if context["is_editor"]:
        context["waiting"] = selectors.review_queue(request.user).count()
    return render(request, "knowledge/index.html", context)


def _glossary_words(text: str) -> list:
    haystack = fold(text)
    return [t for t in glossary.TERMS if fold(t.label) in haystack][:12]


def _article_context(request, article, lang, *, review_form=None, feedback_form=None):
    user = request.user
    translations = selectors.translations_of(article)
    published = [t for t in translations if t.current_id]
    shown = selectors.pick(published, lang) if published else None
    wanted = lang or reader_language()
    drafts = {t.language: selectors.open_draft(user, t) for t in translations}
    draft_lang = lang if lang in drafts and drafts[lang] else next((k for k, d in drafts.items() if d), None)
    if shown is None and draft_lang is None:
        raise Http404
    if shown is not None and lang and shown.language != lang and drafts.get(lang):
        draft_lang = lang
    draft = drafts.get(draft_lang) if draft_lang else None
    is_editor = article.entity_id in editor_entity_ids(user)
    revision = shown.current if shown else None
    context = {
        "article": article, "shown": shown, "revision": revision, "translations": published,
        "other_language": shown is not None and shown.language != wanted, "wanted": wanted,
        "draft": draft, "draft_lang": draft_lang, "is_editor": is_editor,
        "may_edit": user.has_perm("knowledge.edit_article", article),
        "missing_languages": [(c, label) for c, label in LANGUAGE_CHOICES
                              if c not in {t.language for t in translations}],
        "words": _glossary_words(revision.body) if revision else [],
    }
    if draft is not None and is_editor and draft.state in (State.REVIEW, State.DRAFT, State.CHANGES):
        context["review_form"] = review_form or ReviewForm()
    if revision is not None:
        mine = selectors.own_feedback(user, revision)
        context["own_feedback"] = mine
        if mine is None:
            context["feedback_form"] = feedback_form or FeedbackForm()
        if selectors.sees_feedback(user, article):
            context["counts"] = selectors.feedback_counts(article)
            context["comments"] = selectors.feedback_comments(article)
    return context


@login_required
def article_page(request, pk):
    article = get_or_404(selectors.article, request.user, pk)
    lang = choice_param(request, "lang", LANGUAGES)
    return render(request, "knowledge/article.html", _article_context(request, article, lang))


def _writer_entities(user):
    return Entity.objects.filter(id__in=writer_entity_ids(user)).order_by("name")


def _after_save(request, article, language, revision, action):
    """Save, send for review, or publish (editors) — the buttons of the editor page."""
    if action == "submit":
        services.submit(actor=request.user, article=article, language=language)
        messages.success(request, _("Sent for review: an editor reads it before it is published."))
    elif action == "publish":
        services.review(actor=request.user, article=article, language=language, decision="approve")
        messages.success(request, _("Published."))
    else:
        messages.success(request, _("Draft saved. Only you and the editors can read it."))
    return redirect(_url(article.pk, language))


@login_required
def article_new(request):
    entities = _writer_entities(request.user)
    if not entities:
        raise Http404
    topics = selectors.topics(request.user)
    if request.method == "POST":
        form = ArticleForm(request.POST, entities=entities, topics=topics)
        if form.is_valid():
            d = form.cleaned_data
            action = request.POST.get("action", "save")
            if action == "publish" and d["entity"].pk not in editor_entity_ids(request.user):
                action = "submit"
            try:
                revision = services.create_article(
                    actor=request.user, entity=d["entity"], language=d["language"], title=d["title"],
                    summary=d["summary"], body=d["body"], topic=d["topic"], kind=d["kind"])
                return _after_save(request, revision.translation.article, d["language"], revision, action)
            except ValidationError as exc:
                apply_errors(form, exc)
        return render(request, "knowledge/edit.html", {"form": form, "new": True,
                                                       "is_editor": bool(editor_entity_ids(request.user))}, status=400)
    initial = {"language": reader_language(), "topic": id_param(request, "topic")}
    form = ArticleForm(entities=entities, topics=topics, initial=initial)
    return render(request, "knowledge/edit.html", {"form": form, "new": True,
                                                   "is_editor": bool(editor_entity_ids(request.user))})


@login_required
def article_edit(request, pk, lang):
    article = get_or_404(selectors.article, request.user, pk)
    if lang not in LANGUAGES:
        raise Http404
    require(request.user, "knowledge.edit_article", article)
    translation = article.translations.filter(language=lang).select_related("current").first()
    draft = selectors.open_draft(request.user, translation) if translation else None
    is_editor = article.entity_id in editor_entity_ids(request.user)
    context = {"article": article, "lang": lang, "draft": draft, "is_editor": is_editor,
               "translation": translation}
    if request.method == "POST":
        form = DraftForm(request.POST)
        if form.is_valid():
            try:
                revision = services.save_draft(actor=request.user, article=article, language=lang, **form.cleaned_data)
                return _after_save(request, article, lang, revision, request.POST.get("action", "save"))
            except ValidationError as exc:
                apply_errors(form, exc)
        return render(request, "knowledge/edit.html", {**context, "form": form}, status=400)
    source = draft or (translation.current if translation else None)
    if source is None:  # a new language: start from the text the reader sees
        other = article.translations.filter(current__isnull=False).select_related("current").first()
        source = other.current if other else None
    initial = {"title": source.title, "summary": source.summary, "body": source.body} if source else {}
    if draft:
        initial["change_note"] = draft.change_note
    return render(request, "knowledge/edit.html", {**context, "form": DraftForm(initial=initial)})


@login_required
@require_POST
def article_submit(request, pk, lang):
    article = get_or_404(selectors.article, request.user, pk)
    return run_action(request, services.submit, article=article, language=lang, redirect_to=_url(pk, lang),
                      success=_("Sent for review: an editor reads it before it is published."))


@login_required
@require_POST
def article_discard(request, pk, lang):
    article = get_or_404(selectors.article, request.user, pk)
    response = run_action(request, services.discard_draft, article=article, language=lang,
                          redirect_to=reverse("knowledge-mine"), success=_("Draft deleted."))
    return response


@login_required
@require_POST
def article_review(request, pk, lang):
    article = get_or_404(selectors.article, request.user, pk)
    require(request.user, "knowledge.edit", article)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review(actor=request.user, article=article, language=lang, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, {"approve": _("Published."), "changes": _("Sent back to its author."),
                                       "reject": _("Rejected: its author is told why.")}[form.cleaned_data["decision"]])
            return redirect(_url(pk, lang))
    context = _article_context(request, article, lang, review_form=form)
    return render(request, "knowledge/article.html", context, status=400)


@login_required
@require_POST
def article_feedback(request, pk, lang):
    article = get_or_404(selectors.article, request.user, pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.give_feedback(actor=request.user, article=article, language=lang, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Thank you for telling us."))
            return redirect(_url(pk, lang))
    context = _article_context(request, article, lang, feedback_form=form)
    return render(request, "knowledge/article.html", context, status=400)


@login_required
def article_settings(request, pk):
    article = get_or_404(selectors.article, request.user, pk)
    require(request.user, "knowledge.edit", article)
    topics = Topic.objects.filter(Q(entity_id=article.entity_id) | Q(shared=True)).order_by("position", "id")
    if request.method == "POST":
        form = SettingsForm(request.POST, topics=topics)
        if form.is_valid():
            try:
                services.update_settings(actor=request.user, article=article, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Settings saved."))
                return redirect(_url(pk))
        return render(request, "knowledge/settings.html", {"article": article, "form": form,
                                                           "suggested": SUGGESTED_PAGE_KEYS}, status=400)
    keys = ", ".join(article.help_links.values_list("page_key", flat=True))
    form = SettingsForm(topics=topics, initial={"topic": article.topic_id, "kind": article.kind,
                                                "shared": article.shared, "page_keys": keys})
    return render(request, "knowledge/settings.html", {"article": article, "form": form,
                                                       "suggested": SUGGESTED_PAGE_KEYS})


@login_required
def article_history(request, pk):
    article = get_or_404(selectors.article, request.user, pk)
    revisions = selectors.history(request.user, article)
    return render(request, "knowledge/history.html", {
        "article": article, "revisions": revisions, "is_editor": article.entity_id in editor_entity_ids(request.user),
        "title": next((r.title for r in revisions if r.state == State.PUBLISHED), revisions[0].title if revisions
                      else ""),
    })


@login_required
def article_version(request, pk, revision_pk):
    article = get_or_404(selectors.article, request.user, pk)
    visible = {r.pk: r for r in selectors.history(request.user, article)}
    revision = visible.get(revision_pk)
    if revision is None:
        raise Http404
    earlier = [r for r in visible.values() if r.translation_id == revision.translation_id
               and r.state == State.PUBLISHED and r.pk < revision.pk]
    previous = max(earlier, key=lambda r: r.pk) if earlier else None
    diff = []
    if previous is not None:
        for line in difflib.unified_diff(previous.body.splitlines(), revision.body.splitlines(), lineterm="", n=1):
            if line.startswith(("+++", "---", "@@")):
                continue
            diff.append((line[:1], line[1:]))
    return render(request, "knowledge/version.html", {
        "article": article, "revision": revision, "previous": previous, "diff": diff,
        "is_editor": article.entity_id in editor_entity_ids(request.user)})


@login_required
@require_POST
def article_restore(request, pk, revision_pk):
    article = get_or_404(selectors.article, request.user, pk)
    revision = Revision.objects.filter(pk=revision_pk, translation__article=article).first()
    if revision is None:
        raise Http404
    return run_action(request, services.restore, article=article, revision=revision,
                      redirect_to=reverse("knowledge-history", args=[pk]),
                      success=lambda r: _("Version %(old)s restored: it is now version %(new)s.")
                      % {"old": revision.version, "new": r.version})


@login_required
def review_queue(request):
    if not editor_entity_ids(request.user):
        raise Http404
    page = paginate(request, selectors.review_queue(request.user), 30)
    return render(request, "knowledge/review.html", {"page": page})


@login_required
def my_work(request):
    _readers_only(request.user)
    page = paginate(request, selectors.my_work(request.user), 30)
    return render(request, "knowledge/mine.html", {"page": page, "is_editor": bool(editor_entity_ids(request.user))})
