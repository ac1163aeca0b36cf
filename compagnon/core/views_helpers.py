from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404


def get_or_404(fn, *args, **kwargs):
    """Call a selector that raises DoesNotExist when the object is outside the user's scope."""
    try:
        return fn(*args, **kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None


def apply_errors(form, exc: ValidationError) -> None:
    """Attach a service's ValidationError to a bound form, field by field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def error_messages(request, exc: ValidationError) -> None:
    """Show every message of a service's ValidationError (each field's, in order) as an error."""
    from django.contrib import messages

    for errors in getattr(exc, "message_dict", {"": exc.messages}).values():
        for error in errors:
            messages.error(request, error)


def run_action(request, fn, *, success=None, redirect_to: str, form=None, **kwargs):
    """The post → service → message → redirect shape of a button or a small form.

    Calls ``fn(actor=request.user, **kwargs)``. On success, adds ``success`` (a string, or a
    callable given the service's result) as a message and redirects to the request's ``next`` when
    it stays on this site, else to ``redirect_to`` (a path or a URL name). A ``ValidationError``
    goes to ``form`` when there is one — the function then returns ``None`` and the view
    re-renders the bound form with status 400, nothing typed lost — else it is shown as error
    messages and the redirect follows. ``PermissionDenied`` is raised again (403). Returns the
    response (or ``None``) and the service's result as ``response.result``."""
    from django.contrib import messages

    from compagnon.core.redirects import redirect_next

    try:
        result = fn(actor=request.user, **kwargs)
    except ValidationError as exc:
        if form is not None:
            apply_errors(form, exc)
            return None
        error_messages(request, exc)
        result = None
    else:
        text = success(result) if callable(success) else success
        if text:
            messages.success(request, str(text))
    response = redirect_next(request, redirect_to)
    response.result = result
    return response
