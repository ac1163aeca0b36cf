from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.params import id_param, paginate
from compagnon.core.views_helpers import get_or_404, run_action

from . import selectors, services
from .forms import LetterForm, UnletterForm

PAGE_SIZE = 50


def _entity(request, entity_pk):
    return get_or_404(selectors.book_entities(request.user).get, pk=entity_pk)


@login_required
def index(request, entity_pk):
    entity = _entity(request, entity_pk)
    return render(
        request, "lettering/index.html", {"entity": entity, "accounts": selectors.accounts(entity)}
    )


@login_required
def account_page(request, entity_pk, account_pk, form=None, status=200):
    entity = _entity(request, entity_pk)
    account = get_or_404(selectors.accounts(entity).get, pk=account_pk)
    client_id = id_param(request.GET, "client")
    supplier_id = id_param(request.GET, "supplier")
    lines = paginate(
        request.GET,
        selectors.open_lines(entity, account, client_id=client_id, supplier_id=supplier_id),
        PAGE_SIZE,
    )
    done = paginate(
        request.GET, selectors.letterings(request.user).filter(account=account), 20, name="done"
    )
    return render(
        request,
        "lettering/account.html",
        {
            "entity": entity,
            "account": account,
            "lines": lines,
            "done": done,
            "form": form,
            "parties": selectors.parties(entity, account),
            "client_id": client_id,
            "supplier_id": supplier_id,
        },
        status=status,
    )


@login_required
@require_POST
def letter(request, entity_pk, account_pk):
    entity = _entity(request, entity_pk)
    account = get_or_404(selectors.accounts(entity).get, pk=account_pk)
    ids = list(
        selectors.open_lines(entity, account)
        .filter(
            pk__in=[int(x) for x in request.POST.getlist("lines") if x.isdigit() and len(x) < 19]
        )
        .values_list("id", flat=True)
    )
    form = LetterForm(request.POST, line_ids=ids)
    target = reverse("lettering-account", args=[entity.pk, account.pk])
    if not form.is_valid():
        return account_page(request, entity_pk, account_pk, form=form, status=400)
    response = run_action(
        request,
        services.letter_lines,
        entity=entity,
        line_ids=form.cleaned_data["lines"],
        form=form,
        redirect_to=target,
        success=lambda lettering: _("Lines lettered %(code)s.") % {"code": lettering.code},
    )
    return response or account_page(request, entity_pk, account_pk, form=form, status=400)


@login_required
@require_POST
def unletter(request, entity_pk, pk):
    entity = _entity(request, entity_pk)
    lettering = get_or_404(selectors.letterings(request.user).filter(entity=entity).get, pk=pk)
    target = reverse("lettering-account", args=[entity.pk, lettering.account_id])
    form = UnletterForm(request.POST)
    if not form.is_valid():
        from django.contrib import messages

        messages.error(request, _("Say why the lines are unlettered."))
        return redirect(target)
    return run_action(
        request,
        services.unletter,
        lettering=lettering,
        reason=form.cleaned_data["reason"],
        redirect_to=target,
        success=lambda done: (
            _("Lettering %(code)s undone: its lines are open again.") % {"code": done.code}
        ),
    )
