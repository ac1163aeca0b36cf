from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from schwifty import IBAN, exceptions

from . import urssaf


class RegisterForm(forms.Form):
    """What URSSAF needs to recognise the client (nothing of it is kept here but URSSAF's id)."""

    civility = forms.ChoiceField(
        label=_("Title"),
        choices=[("1", pgettext_lazy("civility", "Mr")), ("2", pgettext_lazy("civility", "Mrs"))],
    )
    birth_name = forms.CharField(label=_("Birth name"), max_length=80)
    usage_name = forms.CharField(
        label=_("Usual name (if different)"), max_length=80, required=False
    )
    first_names = forms.CharField(label=_("First names"), max_length=120)
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    birth_country = forms.CharField(
        label=_("Country of birth (INSEE code)"),
        max_length=5,
        initial="99100",
        help_text=_("99100 for France."),
    )
    birth_commune = forms.CharField(
        label=_("Commune of birth (INSEE code)"),
        max_length=5,
        required=False,
        help_text=_("Needed when born in France, e.g. 44109 for Nantes."),
    )
    mobile = forms.CharField(label=_("Mobile phone"), max_length=20)
    email = forms.EmailField(label=_("Email"))
    street = forms.CharField(label=_("Street and number"), max_length=200)
    postcode = forms.CharField(label=_("Postcode"), max_length=10)
    city = forms.CharField(label=_("City"), max_length=100)
    iban = forms.CharField(label=_("IBAN of the client's account"), max_length=42)
    bic = forms.CharField(label=_("BIC"), max_length=11)
    holder = forms.CharField(label=_("Account holder"), max_length=100)

    def clean_iban(self):
        try:
            return str(IBAN(self.cleaned_data["iban"]))
        except exceptions.SchwiftyException:
            raise forms.ValidationError(
                _("This IBAN is not valid: check the letters and digits.")
            ) from None

    def clean(self):
        data = super().clean()
        if data.get("birth_country") == "99100" and not data.get("birth_commune"):
            self.add_error(
                "birth_commune",
                _("Give the INSEE code of the commune of birth for a person born in France."),
            )
        return data

    def person(self) -> urssaf.Person:
        return urssaf.Person(**{k: self.cleaned_data[k] or "" for k in self.fields})


class SurveyForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
    )
    comment = forms.CharField(
        label=_("A word about the work (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SettingsForm(forms.Form):
    """What the entity's tax certificates print about it (its home-services declaration)."""

    sap_number = forms.CharField(
        label=_("Home-services declaration number (SAP)"),
        max_length=40,
        required=False,
        help_text=_("SAP followed by the 9 digits of the SIREN, e.g. SAP123456789."),
    )
    signatory = forms.CharField(
        label=_("Signed by (name and role)"),
        max_length=200,
        required=False,
        help_text=_("Printed under the date, e.g. Marie Dupont, managing director."),
    )
