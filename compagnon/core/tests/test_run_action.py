"""run_action, the post → service → message → redirect helper: a success says so and goes back
where the user came from (on this site only); a refusal is shown to the user — as messages, or
next to the fields of the bound form so that nothing typed is lost — and the service's
PermissionDenied still answers 403."""

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from compagnon.core.views_helpers import run_action


def _request(data=None):
    request = RequestFactory().post("/somewhere/", data or {})
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _texts(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def test_success_adds_the_message_and_redirects_to_a_safe_next():
    request = _request({"next": "/documents/7/#collections"})
    calls = []
    response = run_action(request, lambda *, actor, amount: calls.append((actor, amount)) or "done",
                          amount=3, success=lambda result: f"Saved ({result}).", redirect_to="/home/")
    assert calls == [(request.user, 3)] and response.result == "done"
    assert response.status_code == 302 and response.url == "/documents/7/#collections"
    assert _texts(request) == [("success", "Saved (done).")]


def test_an_off_site_next_falls_back_to_the_default():
    request = _request({"next": "//evil.example/x"})
    response = run_action(request, lambda *, actor: None, success="OK", redirect_to="/home/")
    assert response.url == "/home/"


def test_a_refusal_is_shown_with_every_field_message_and_nothing_claims_success():
    def service(*, actor):
        raise ValidationError({"amount": ["The amount must be positive."], "date": ["Give a date."]})

    request = _request()
    response = run_action(request, service, success="Saved.", redirect_to="/home/")
    assert response.status_code == 302 and response.result is None
    assert _texts(request) == [("error", "The amount must be positive."), ("error", "Give a date.")]


class AmountForm(forms.Form):
    amount = forms.DecimalField()
    note = forms.CharField(required=False)


def test_with_a_form_the_errors_go_next_to_the_fields_and_what_was_typed_stays():
    def service(*, actor, **fields):
        raise ValidationError({"amount": "The amount must be positive.", "other": "Something else."})

    request = _request({"amount": "-5", "note": "keep me"})
    form = AmountForm(request.POST)
    assert form.is_valid()
    assert run_action(request, service, form=form, success="Saved.", redirect_to="/home/",
                      **form.cleaned_data) is None  # the view re-renders the bound form (400)
    assert form.errors["amount"] == ["The amount must be positive."]
    assert form.non_field_errors() == ["Something else."]
    assert form.data["note"] == "keep me" and _texts(request) == []


def test_permission_denied_is_not_turned_into_a_success():
    def service(*, actor):
        raise PermissionDenied

    request = _request()
    with pytest.raises(PermissionDenied):
        run_action(request, service, success="Saved.", redirect_to="/home/")
    assert _texts(request) == []
