from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.organisation.models import LANGUAGE_CHOICES, Office

from .models import Invitation, SupportService


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none())
    role = forms.ChoiceField(label=_("Invite as"), choices=[])
    service = forms.ChoiceField(
        label=_("Support service"),
        choices=[("", "—"), *SupportService.choices],
        required=False,
        help_text=_("Only for support agents."),
    )
    language = forms.ChoiceField(label=_("Language of the email"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args, offices, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        labels = dict(Invitation.INVITE_ROLES)
        self.fields["role"].choices = [(r, labels[r]) for r in roles]
        if len(roles) == 1:
            self.fields["role"].widget = forms.HiddenInput()
            self.fields["service"].widget = forms.HiddenInput()


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits, not too common."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("password1")
            and data.get("password2")
            and data["password1"] != data["password2"]
        ):
            self.add_error("password2", _("The two passwords differ."))
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("What this token is for, e.g. 'accounting export script'."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for a token that lasts until you revoke it."),
    )


class LoginForm(AllauthLoginForm):
    """allauth's login form without the HTML help text (the page links to the reset itself)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""
        self.fields["login"].widget.attrs.update(autocomplete="email", autofocus=True)

    def clean(self):
        cleaned_data = super().clean()
        from django.conf import settings

        from .demo_guard import is_demo_user, login_refusal_message

        user = getattr(self, "user", None)
        if settings.PRODUCTION and not self.errors and user is not None and is_demo_user(user):
            raise forms.ValidationError(login_refusal_message(), code="demo_in_production")
        return cleaned_data
