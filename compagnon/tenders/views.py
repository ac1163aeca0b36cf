"""Pages of tenders: the notices (for you, all), a notice, the import with its dry run, the entry
by hand, the CPV → trade table, an answer (group, shares, checklist, folder, outcome) and the
cooperative's administrative documents. 404 outside one's scope, 403 for a visible thing one may
not change."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from compagnon import permissions
from compagnon.core.params import bool_param, choice_param, paginate, text_param
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action
from compagnon.organisation.models import Entity

from . import selectors, services
from .forms import (
    AdminDocumentForm,
    DeclareShareForm,
    FileForm,
    ImportForm,
    InviteForm,
    ItemForm,
    MappingForm,
    NoticeForm,
    OutcomeForm,
    SharesForm,
)
from .models import AdminKind, AnswerState, Invitation, Kind, Source
from .rules import managed_entity_ids


def _managed(request):
    ids = managed_entity_ids(request.user)
    if not ids:
        raise Http404
    return Entity.objects.filter(pk__in=ids).order_by("name")


def _file(item):
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name,
                            content_type=getattr(item, "content_type", "") or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------------------------ notices

@login_required
def notice_list(request):
    s = permissions.scope_for(request.user)
    kind = choice_param(request, "kind", Kind.values)
    q = text_param(request, "q")
    mine = bool_param(request, "for_me")
    qs = selectors.notices(request.user)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(buyer__icontains=q) | Q(description__icontains=q))
    if mine and s.member_id:
        qs = qs.filter(matches__member_id=s.member_id)
    page = paginate(request, qs.order_by("-published_on", "-id"), 25)
    query = "&".join(f"{k}={v}" for k, v in (("kind", kind), ("q", q), ("for_me", "1" if mine else "")) if v)
    return render(request, "tenders/list.html", {
        "page": page, "kind": kind, "q": q, "mine": mine, "kinds": Kind.choices, "query": query,
        "for_me": list(selectors.for_me(request.user)[:10]) if s.member_active else [],
        "answers": list(selectors.answers(request.user).order_by("-created_at", "-id")[:20]),
        "manages": bool(managed_entity_ids(request.user)), "is_member": s.member_active,
    })


@login_required
def notice_detail(request, pk):
    notice = get_or_404(selectors.notice, request.user, pk)
    s = permissions.scope_for(request.user)
    mine = selectors.answers(request.user).filter(notice=notice).first() if s.member_id else None
    return render(request, "tenders/notice.html", {
        "notice": notice, "mine": mine, "days_left": notice.days_left(),
        "may_answer": request.user.has_perm("tenders.answer", notice),
        "may_edit": notice.source == Source.HAND and request.user.has_perm("tenders.manage", notice.entity),
        "matched": notice.matches.count() if request.user.has_perm("tenders.manage", notice.entity) else None,
    })


def _notice_form(request, data=None, notice=None):
    initial = {}
    if notice is not None:
        initial = {"entity": notice.entity, "kind": notice.kind, "title": notice.title, "buyer": notice.buyer,
                   "description": notice.description, "cpv_codes": ", ".join(notice.cpv_codes),
                   "department": notice.department, "nuts": notice.nuts, "postcode": notice.postcode,
                   "published_on": notice.published_on,
                   "deadline": timezone.localtime(notice.deadline) if notice.deadline else None,
                   "link": notice.link, "estimated_value": notice.estimated_value}
    else:
        initial = {"published_on": timezone.localdate()}
    return NoticeForm(data, entities=_managed(request), initial=initial)


@login_required
def notice_edit(request, pk=None):
    notice = None
    if pk is not None:
        notice = get_or_404(selectors.notice, request.user, pk)
        if notice.source != Source.HAND or not request.user.has_perm("tenders.manage", notice.entity):
            raise PermissionDenied
    form = _notice_form(request, request.POST if request.method == "POST" else None, notice)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                saved = services.save_notice(actor=request.user, notice=notice, **d)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Notice saved: the members it is for are told."))
                return redirect("tenders-notice", saved.pk)
        return render(request, "tenders/notice_form.html", {"form": form, "notice": notice}, status=400)
    return render(request, "tenders/notice_form.html", {"form": form, "notice": notice})


@login_required
def import_page(request):
    entities = _managed(request)
    if request.method != "POST":
        return render(request, "tenders/import.html", {
            "form": ImportForm(entities=entities),
            "imports": list(selectors.imports(request.user)[:10])})
    form = ImportForm(request.POST, request.FILES, entities=entities)
    result = None
    if form.is_valid():
        d = form.cleaned_data
        upload = d["file"]
        try:
            result = services.import_notices(actor=request.user, entity=d["entity"], source=d["source"],
                                             name=upload.name, data=upload.read(), dry_run=d["dry_run"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if not result.dry_run:
                messages.success(request, _("Import done: %(created)s new, %(updated)s updated.") % {
                    "created": len(result.created), "updated": len(result.updated)})
                return redirect("tenders-import-detail", result.notice_import.pk)
            return render(request, "tenders/import.html", {
                "form": ImportForm(entities=entities, initial={"entity": d["entity"], "source": d["source"],
                                                               "dry_run": False}),
                "result": result, "problems": [p.as_dict() for p in result.problems], "imports": list(selectors.imports(request.user)[:10])})
    return render(request, "tenders/import.html", {
        "form": form, "imports": list(selectors.imports(request.user)[:10])}, status=400)


@login_required
def import_detail(request, pk):
    imp = get_or_404(lambda u, k: selectors.imports(u).get(pk=k), request.user, pk)
    return render(request, "tenders/import_detail.html", {
        "imp": imp, "notices": list(imp.notices.order_by("title", "id"))})


@login_required
def import_file(request, pk):
    imp = get_or_404(lambda u, k: selectors.imports(u).get(pk=k), request.user, pk)
    imp.content_type = "application/json" if imp.source == Source.BOAMP else "application/xml"
    return _file(imp)


@login_required
def mappings(request):
    entities = _managed(request)
    form = MappingForm(request.POST or None, entities=entities)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_mapping(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Trade linked: the next notices are matched with it."))
                return redirect("tenders-mappings")
        status = 400
    else:
        status = 200
    return render(request, "tenders/mappings.html", {
        "form": form, "rows": list(selectors.mappings(request.user).order_by("trade__code", "cpv_prefix", "id"))},
        status=status)


@login_required
@require_POST
def mapping_delete(request, pk):
    row = get_or_404(lambda u, k: selectors.mappings(u).get(pk=k), request.user, pk)
    return run_action(request, services.delete_mapping, mapping=row, success=_("Link removed."),
                      redirect_to="tenders-mappings")


# ------------------------------------------------------------------------------------ answers

@login_required
@require_POST
def answer_open(request, pk):
    notice = get_or_404(selectors.notice, request.user, pk)
    if not request.user.has_perm("tenders.answer", notice):
        raise PermissionDenied
    try:
        answer = services.open_answer(actor=request.user, notice=notice)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
        return redirect("tenders-notice", notice.pk)
    if not getattr(answer, "already_opened", False):
        messages.success(request, _("Answer opened: invite colleagues if you answer together."))
    return redirect("tenders-answer", answer.pk)


def _answer_context(request, answer, **forms) -> dict:
    s = permissions.scope_for(request.user)
    group = selectors.group(answer)
    me = next((r for r in group if r.member_id == s.member_id), None)
    works = me is not None and me.state == Invitation.ACCEPTED and s.member_active
    leads = works and answer.lead_id == s.member_id
    accepted = [r for r in group if r.state == Invitation.ACCEPTED]
    activities = selectors.my_activities(s.member_id)
    ctx = {
        "answer": answer, "notice": answer.notice, "group": group, "me": me, "works": works, "leads": leads,
        "days_left": answer.notice.days_left(), "total_share": sum(r.share for r in accepted),
    }
    if works:
        from compagnon.members.models import Member

        group_qs = Member.objects.filter(pk__in=[r.member_id for r in accepted]).select_related("user")
        ctx.update({
            "checklist": list(answer.checklist.select_related("who__user")),
            "files": list(answer.files.select_related("uploaded_by")),
            "item_form": forms.get("item_form") or ItemForm(group=group_qs),
            "file_form": forms.get("file_form") or FileForm(),
            "admin_docs": selectors.current_admin_documents(answer.entity_id),
        })
    if leads and answer.is_open:
        ctx.update({
            "invite_form": forms.get("invite_form") or InviteForm(colleagues=selectors.colleagues(request.user, answer)),
            "shares_form": forms.get("shares_form") or SharesForm(rows=accepted),
        })
    if me is not None and me.state == Invitation.ACCEPTED and answer.state == AnswerState.WON and not me.job_id \
            and me.share > 0:
        ctx["declare_form"] = forms.get("declare_form") or DeclareShareForm(activities=activities)
    return ctx


@login_required
def answer_detail(request, pk):
    answer = get_or_404(selectors.answer, request.user, pk)
    return render(request, "tenders/answer.html", _answer_context(request, answer))


def _answer_post(request, pk, perm):
    answer = get_or_404(selectors.answer, request.user, pk)
    if not request.user.has_perm(perm, answer):
        raise PermissionDenied
    return answer


def _again(request, answer, **forms):
    return render(request, "tenders/answer.html", _answer_context(request, answer, **forms), status=400)


@login_required
@require_POST
def answer_invite(request, pk):
    answer = _answer_post(request, pk, "tenders.lead")
    form = InviteForm(request.POST, colleagues=selectors.colleagues(request.user, answer))
    if form.is_valid():
        response = run_action(request, services.invite, answer=answer, form=form, **form.cleaned_data,
                              success=lambda row: _("%(who)s is invited: they accept or decline from their "
                                                    "notifications.") % {"who": row.member},
                              redirect_to=reverse("tenders-answer", args=[answer.pk]))
        if response is not None:
            return response
    return _again(request, answer, invite_form=form)


@login_required
@require_POST
def answer_respond(request, pk, action):
    row = get_or_404(lambda u, k: selectors.answer_members(u).get(pk=k), request.user, pk)
    if not request.user.has_perm("tenders.respond", row):
        raise PermissionDenied
    return run_action(request, services.respond, row=row, accept=action == "accept",
                      success=_("You are in the group.") if action == "accept" else _("Invitation declined."),
                      redirect_to=reverse("tenders-answer", args=[row.answer_id]) if action == "accept"
                      else reverse("tenders-list"))


@login_required
@require_POST
def answer_shares(request, pk):
    answer = _answer_post(request, pk, "tenders.lead")
    rows = [r for r in selectors.group(answer) if r.state == Invitation.ACCEPTED]
    form = SharesForm(request.POST, rows=rows)
    if form.is_valid():
        try:
            services.set_shares(actor=request.user, answer=answer, shares=form.shares())
        except ValidationError as exc:
            for m in exc.messages:
                form.add_error(None, m)
        else:
            messages.success(request, _("Shares saved."))
            return redirect("tenders-answer", answer.pk)
    return _again(request, answer, shares_form=form)


@login_required
@require_POST
def item_add(request, pk):
    answer = _answer_post(request, pk, "tenders.work")
    from compagnon.members.models import Member

    group_qs = Member.objects.filter(tender_answers__answer=answer, tender_answers__state=Invitation.ACCEPTED)
    form = ItemForm(request.POST, group=group_qs)
    if form.is_valid():
        response = run_action(request, services.add_item, answer=answer, form=form, **form.cleaned_data,
                              success=_("Added to the checklist."),
                              redirect_to=reverse("tenders-answer", args=[answer.pk]) + "#checklist")
        if response is not None:
            return response
    return _again(request, answer, item_form=form)


@login_required
@require_POST
def item_toggle(request, pk):
    item = get_or_404(lambda u, k: selectors.checklist(u).select_related("answer").get(pk=k), request.user, pk)
    return run_action(request, services.toggle_item, item=item,
                      redirect_to=reverse("tenders-answer", args=[item.answer_id]) + "#checklist")


@login_required
@require_POST
def file_add(request, pk):
    answer = _answer_post(request, pk, "tenders.work")
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        response = run_action(request, services.add_file, answer=answer, upload=form.cleaned_data["file"], form=form,
                              success=_("File added to the group's folder."),
                              redirect_to=reverse("tenders-answer", args=[answer.pk]) + "#folder")
        if response is not None:
            return response
    return _again(request, answer, file_form=form)


@login_required
def file_download(request, pk):
    return _file(get_or_404(selectors.answer_file, request.user, pk))


@login_required
@require_POST
def attach_admin(request, pk):
    answer = _answer_post(request, pk, "tenders.work")
    return run_action(request, services.attach_admin_documents, answer=answer,
                      success=lambda made: ngettext("%(count)s document attached.", "%(count)s documents attached.",
                                                    len(made)) % {"count": len(made)} if made
                      else _("The cooperative's documents were already in the folder."),
                      redirect_to=reverse("tenders-answer", args=[answer.pk]) + "#folder")


@login_required
@require_POST
def answer_submit(request, pk):
    answer = _answer_post(request, pk, "tenders.lead")
    return run_action(request, services.submit, answer=answer, success=_("Answer marked as submitted."),
                      redirect_to=reverse("tenders-answer", args=[answer.pk]))


@login_required
def answer_outcome(request, pk):
    answer = get_or_404(selectors.answer, request.user, pk)
    if not request.user.has_perm("tenders.lead", answer):
        raise PermissionDenied
    s = permissions.scope_for(request.user)
    activities = selectors.my_activities(s.member_id)
    if request.method != "POST":
        return render(request, "tenders/outcome.html", {"answer": answer, "form": OutcomeForm(activities=activities)})
    form = OutcomeForm(request.POST, activities=activities)
    if form.is_valid():
        response = run_action(request, services.record_outcome, answer=answer, form=form, **form.cleaned_data,
                              success=lambda a: _("Won: your share is declared as a job, your colleagues declare "
                                                  "theirs.") if a.state == AnswerState.WON else _("Outcome recorded."),
                              redirect_to=reverse("tenders-answer", args=[answer.pk]))
        if response is not None:
            return response
    return render(request, "tenders/outcome.html", {"answer": answer, "form": form}, status=400)


@login_required
@require_POST
def declare_share(request, pk):
    row = get_or_404(lambda u, k: selectors.answer_members(u).get(pk=k), request.user, pk)
    if not request.user.has_perm("tenders.declare_share", row):
        raise PermissionDenied
    s = permissions.scope_for(request.user)
    form = DeclareShareForm(request.POST, activities=selectors.my_activities(s.member_id))
    if form.is_valid():
        response = run_action(request, services.declare_share, row=row, form=form, **form.cleaned_data,
                              success=_("Your share is declared as a job."),
                              redirect_to=reverse("tenders-answer", args=[row.answer_id]))
        if response is not None:
            return response
    answer = get_or_404(selectors.answer, request.user, row.answer_id)
    return _again(request, answer, declare_form=form)


# --------------------------------------------------------------------- administrative documents

@login_required
def admin_documents(request):
    ids = managed_entity_ids(request.user)
    docs = list(selectors.admin_documents(request.user).order_by("entity__name", "kind", "-issued_on", "-id"))
    if not docs and not ids and not permissions.scope_for(request.user).member_active:
        raise Http404
    form = None
    status = 200
    if ids:
        entities = Entity.objects.filter(pk__in=ids).order_by("name")
        form = AdminDocumentForm(request.POST or None, request.FILES or None, entities=entities)
        if request.method == "POST":
            if form.is_valid():
                response = run_action(request, services.save_admin_document, form=form,
                                      upload=form.cleaned_data.pop("file"), **form.cleaned_data,
                                      success=_("Document added."), redirect_to="tenders-admin-documents")
                if response is not None:
                    return response
            status = 400
    elif request.method == "POST":
        raise PermissionDenied
    today = timezone.localdate()
    current = set()
    seen = set()
    for d in sorted(docs, key=lambda d: (d.entity_id, d.kind, -d.issued_on.toordinal(), -d.pk)):
        if (d.entity_id, d.kind) not in seen and d.status(today) != "expired":
            seen.add((d.entity_id, d.kind))
            current.add(d.pk)
    rows = [{"doc": d, "status": d.status(today), "current": d.pk in current} for d in docs]
    return render(request, "tenders/admin_documents.html", {
        "rows": rows, "form": form, "kinds": AdminKind.choices,
        "alerts": sum(1 for r in rows if r["current"] and r["status"] == "soon")
        + sum(1 for k in {(d.entity_id, d.kind) for d in docs} if k not in seen)}, status=status)


@login_required
def admin_document_file(request, pk):
    return _file(get_or_404(selectors.admin_document, request.user, pk))
