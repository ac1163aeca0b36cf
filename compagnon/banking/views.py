"""Pages: the bank accounts of my entities, an account with its statements, adding and editing an
account, its CSV columns (with a preview of a sample export), uploading a statement, and one
statement with its transactions (or why it was rejected).

Accountants, administrators and support agents of an entity see its bank pages; accountants and
administrators change things (``banking.import_statement``, else 403). Anyone else gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from compagnon.core.params import choice_param, id_param, paginate
from compagnon.core.views_helpers import apply_errors, get_or_404

from . import balances, csvfile, selectors, services
from .forms import BankAccountForm, CsvMappingForm, UploadForm
from .models import BankAccount, BankStatement, CsvMapping, TransactionState


def _require_reader(request) -> None:
    if not selectors.sees_banking(request.user):
        raise Http404


def _require_manager(request, obj=None) -> None:
    allowed = (
        services.may_import(request.user, obj)
        if obj is not None
        else selectors.manages_banking(request.user)
    )
    if not allowed:
        raise PermissionDenied(
            _("Only the accountants and administrators of the entity can change its bank side.")
        )


def _account(request, pk) -> BankAccount:
    _require_reader(request)
    account = get_or_404(selectors.bank_account, request.user, pk)
    account.can_manage = services.may_import(request.user, account)
    return account


def _mapping_of(account: BankAccount) -> CsvMapping | None:
    try:
        return account.csv_mapping
    except ObjectDoesNotExist:
        return None


@login_required
def account_list(request):
    _require_reader(request)
    return render(
        request,
        "banking/account_list.html",
        {
            "accounts": list(selectors.account_list(request.user)),
            "can_manage": selectors.manages_banking(request.user),
        },
    )


@login_required
def account_create(request):
    _require_reader(request)
    _require_manager(request)
    form = BankAccountForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                account = services.create_bank_account(
                    actor=request.user,
                    entity=data["entity"],
                    name=data["name"],
                    iban=data["iban"],
                    bic=data["bic"],
                    currency=data["currency"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("Bank account %(name)s added.") % {"name": account.name}
                )
                return redirect("bank-account-detail", pk=account.pk)
        return render(request, "banking/account_form.html", {"form": form}, status=400)
    return render(request, "banking/account_form.html", {"form": form})


@login_required
def account_edit(request, pk):
    account = _account(request, pk)
    _require_manager(request, account)
    form = BankAccountForm(request.POST or None, user=request.user, account=account)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_bank_account(
                    actor=request.user, account=account, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Bank account saved."))
                return redirect("bank-account-detail", pk=account.pk)
        return render(
            request, "banking/account_form.html", {"form": form, "account": account}, status=400
        )
    return render(request, "banking/account_form.html", {"form": form, "account": account})


@login_required
def account_detail(request, pk):
    account = _account(request, pk)
    page = paginate(request, selectors.statement_list(request.user, account_id=account.pk), 25)
    return render(
        request,
        "banking/account_detail.html",
        {"account": account, "page": page, "mapping": _mapping_of(account)},
    )


@login_required
def csv_mapping(request, pk):
    account = _account(request, pk)
    _require_manager(request, account)
    existing = _mapping_of(account)
    context = {"account": account, "preview": None, "preview_error": None, "columns": []}
    if request.method != "POST":
        context["form"] = CsvMappingForm(instance=existing or CsvMapping(account=account))
        return render(request, "banking/csv_mapping.html", context)
    form = CsvMappingForm(
        request.POST, request.FILES, instance=existing or CsvMapping(account=account)
    )
    context["form"] = form
    saving = request.POST.get("action") == "save"
    sample = request.FILES.get("sample")
    data = b""
    if sample is not None:
        sample.seek(0)
        data = sample.read(services.MAX_UPLOAD_BYTES)
    if not form.is_valid():
        if data:
            context["columns"] = csvfile.sample_columns(data, form.instance)
        return render(request, "banking/csv_mapping.html", context, status=400)
    fields = {f: form.cleaned_data[f] for f in services.MAPPING_FIELDS}
    mapping = CsvMapping(account=account, **fields)
    try:
        services.check_mapping(mapping)
        if saving:
            services.save_csv_mapping(actor=request.user, account=account, **fields)
    except ValidationError as exc:
        apply_errors(form, exc)
        if data:
            context["columns"] = csvfile.sample_columns(data, mapping)
        return render(request, "banking/csv_mapping.html", context, status=400)
    if saving:
        messages.success(request, _("CSV columns saved for %(name)s.") % {"name": account.name})
        if not data:
            return redirect("bank-account-detail", pk=account.pk)
    if data:
        read, error = services.preview_csv(mapping=mapping, data=data, currency=account.currency)
        context["preview"] = read.lines if read else None
        context["preview_error"] = error
        context["columns"] = read.header if read else csvfile.sample_columns(data, mapping)
    return render(request, "banking/csv_mapping.html", context)


@login_required
def statement_upload(request):
    _require_reader(request)
    _require_manager(request)
    initial = {}
    if (account_id := id_param(request, "account")) is not None:
        initial["account"] = account_id
    form = UploadForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                statement = services.upload_statement(
                    actor=request.user,
                    account=form.cleaned_data["account"],
                    uploaded_file=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                _say_how_it_went(request, statement)
                return redirect("bank-statement-detail", pk=statement.pk)
        return render(request, "banking/statement_upload.html", {"form": form}, status=400)
    return render(request, "banking/statement_upload.html", {"form": form})


def _say_how_it_went(request, statement: BankStatement) -> None:
    if statement.is_rejected:
        messages.error(
            request,
            _(
                "This statement was not imported: nothing was added. The file is kept; see why "
                "below."
            ),
        )
        return
    messages.success(
        request,
        _(
            "Statement imported: %(imported)s new transactions, %(known)s already known, "
            "%(matched)s matched automatically, %(to_match)s left to match."
        )
        % {
            "imported": statement.imported,
            "known": statement.already_known,
            "matched": statement.matched,
            "to_match": statement.to_match,
        },
    )
    for warning in balances.warnings(statement):
        messages.warning(request, warning)


def _statement(request, pk) -> BankStatement:
    _require_reader(request)
    return get_or_404(selectors.statement_detail, request.user, pk)


@login_required
def statement_detail(request, pk):
    statement = _statement(request, pk)
    # "status": the name the shared pager keeps
    state = choice_param(request, "status", TransactionState.values)
    page = paginate(request, selectors.statement_transactions(statement, state=state), 100)
    counts = selectors.state_counts(statement)
    return render(
        request,
        "banking/statement_detail.html",
        {
            "statement": statement,
            "account": statement.account,
            "balance_warnings": [] if statement.is_rejected else balances.warnings(statement),
            "balance_note": "" if statement.is_rejected else balances.check_note(statement),
            "page": page,
            "status": state,
            "states": [
                (value, label, counts.get(value, 0))
                for value, label in TransactionState.choices
                if counts.get(value)
            ],
        },
    )


@login_required
def statement_file(request, pk):
    """The file exactly as it was uploaded."""
    statement = _statement(request, pk)
    content_type = "application/xml" if statement.format == "camt053" else "text/csv"
    return FileResponse(
        statement.file.open("rb"),
        as_attachment=True,
        filename=statement.filename or "statement",
        content_type=content_type,
    )
