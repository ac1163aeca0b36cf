from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnon.accounts.models import User

from .models import Activity, ActivityRole, Maturity, Member, MemberStatus, Trade

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG", "WEBP"}
LOGO_MIN_PX, LOGO_MAX_PX = 64, 4000


def validate_logo(upload) -> None:
    """A logo is a PNG, JPEG or WebP image of at most 2 MB, 64 to 4000 pixels a side.

    Django's ImageField has already checked with Pillow that the file is an image; SVG is refused
    because it can carry scripts.
    """
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is %(size)s MB; the limit is 2 MB.")
            % {"size": f"{upload.size / 1048576:.1f}"},
            code="too_big",
        )
    image = getattr(upload, "image", None)
    if image is None:
        return
    if image.format not in LOGO_FORMATS:
        raise ValidationError(
            _("The logo must be a PNG, JPEG or WebP image (this one is %(format)s).")
            % {"format": image.format},
            code="format",
        )
    w, h = image.size
    if min(w, h) < LOGO_MIN_PX or max(w, h) > LOGO_MAX_PX:
        raise ValidationError(
            _("The logo is %(w)s×%(h)s pixels; each side must be between 64 and 4000 pixels.")
            % {"w": w, "h": h},
            code="dimensions",
        )


class _CurrentLogo:
    """What the file input shows as "Currently": the name, linked to the app's logo view."""

    def __init__(self, name: str, url: str):
        self.name, self.url = name, url

    def __str__(self):
        return self.name.rsplit("/", 1)[-1]


class LogoInput(forms.ClearableFileInput):
    """Links the current logo to the app's view, never to the storage (``Activity.logo_url``)."""

    logo_url = ""
    template_name = "core/widgets/clearable_file_input.html"  # "Actuellement :" with its French space

    def is_initial(self, value):
        return isinstance(value, FieldFile) and bool(value.name)

    def format_value(self, value):
        if self.is_initial(value):
            return _CurrentLogo(value.name, self.logo_url)
        return super().format_value(value)


class ActivitySettingsForm(forms.ModelForm):
    logo = forms.ImageField(
        label=_("Logo"),
        required=False,
        validators=[validate_logo],
        help_text=_("PNG, JPEG or WebP, at most 2 MB, at least 64 pixels a side."),
        widget=LogoInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )

    class Meta:
        model = Activity
        fields = [
            "name",
            "trade",
            "description",
            "status",
            "logo",
            "brand_color",
            "letterhead",
            "footer",
            "payment_terms_days",
            "document_language",
        ]
        widgets = {
            "brand_color": forms.TextInput(attrs={"type": "color"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "letterhead": forms.Textarea(attrs={"rows": 3}),
            "footer": forms.Textarea(attrs={"rows": 2}),
        }

    def _clean_text(self, name):
        # browsers send textarea line breaks as CRLF; documents print plain newlines
        return (self.cleaned_data.get(name) or "").replace("\r\n", "\n")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["logo"].widget.logo_url = self.instance.logo_url if self.instance.pk else ""

    def clean_letterhead(self):
        return self._clean_text("letterhead")

    def clean_footer(self):
        return self._clean_text("footer")

    def clean_description(self):
        return self._clean_text("description")


class ActivityCreateForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["name", "trade", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class AddActivityMemberForm(forms.Form):
    member = forms.CharField(label=_("Colleague's member number or email"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"), choices=ActivityRole.choices, initial=ActivityRole.CONTRIBUTOR
    )
    share = forms.DecimalField(
        label=_("Share of result (%)"), min_value=0, max_value=100, initial=0, decimal_places=2
    )

    def __init__(self, *args, entity_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.entity_id = entity_id

    def clean_member(self):
        """Find the colleague in the same entity by member number or email (no long drop-down)."""
        value = self.cleaned_data["member"].strip()
        member = (
            Member.objects.select_related("user")
            .filter(entity_id=self.entity_id)
            .filter(models.Q(number__iexact=value) | models.Q(user__email__iexact=value))
            .first()
        )
        if member is None:
            raise ValidationError(
                _("No member of this entity has this number or email."), code="unknown_member"
            )
        return member


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=[])
    effective_on = forms.DateField(
        label=_("Effective on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (s, MemberStatus(s).label) for s in member.allowed_transitions
        ]


class AdvisorForm(forms.Form):
    advisor = forms.ModelChoiceField(
        label=_("Advisor"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("no advisor"),
    )

    def __init__(self, *args, office_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisor"].queryset = (
            User.objects.filter(
                # an office's own advisors: not a relay standing in for an absence, nor a role
                # held from a given day (both end by themselves)
                role_assignments__role="advisor", role_assignments__office_id=office_id,
                role_assignments__relay_for__isnull=True, role_assignments__starts_on__isnull=True,
            )
            .distinct()
            .order_by("last_name", "first_name")
        )


class MaturityForm(forms.Form):
    maturity = forms.ChoiceField(label=_("Maturity"), choices=Maturity.choices)


class CommaListField(forms.CharField):
    """A list typed as comma-separated words ("pruning, hedges")."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        value = super().to_python(value)
        return [w.strip() for w in value.split(",") if w.strip()][:30]


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=User._meta.get_field("language").choices
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=16, required=False)
    trades = forms.ModelMultipleChoiceField(
        label=_("Trades"),
        queryset=Trade.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills = CommaListField(
        label=_("Skills"),
        required=False,
        help_text=_("Separate with commas, e.g. pruning, hedges, orchards."),
    )
    languages = CommaListField(
        label=_("Languages spoken"),
        required=False,
        help_text=_("Separate with commas, e.g. French, Dutch."),
    )
    bio = forms.CharField(
        label=_("About me"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    USER_FIELDS = ["first_name", "last_name", "phone", "language"]
    MEMBER_FIELDS = ["city", "postcode", "skills", "languages", "bio"]
