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
