"""Helpers shared by every context's services."""

from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _


def require(actor, perm: str, obj=None) -> None:
    """Raise PermissionDenied unless ``actor`` holds ``perm`` (on ``obj``).

    Services check again what views already checked: the API, tasks and commands call services
    directly, and the rule must hold whichever door was used.
    """
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You are not allowed to do this."))


def snapshot(obj, fields) -> dict:
    """The values of ``fields`` on ``obj``, for audit before/after comparisons."""
    return model_to_dict(obj, fields=fields)
