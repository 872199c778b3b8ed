from django import forms

from core.eingaben import https_origins
from core.locking import VersionFormMixin
from kommunen.scope import scope_for

from .models import Kommune


class KommuneProfilForm(VersionFormMixin, forms.ModelForm):
    """What a CDO keeps up to date about their Kommune; official data stays read-only."""

    website = forms.URLField(
        label="Website",
        required=False,
        assume_scheme="https",
        help_text="Vollständige Adresse mit https://",
    )

    class Meta:
        model = Kommune
        fields = ["website", "beschreibung", "einbettende_websites"]
        help_texts = {
            "website": "Vollständige Adresse mit https://",
            "beschreibung": "Kurzprofil der Digitalisierung in der Kommune.",
        }
        widgets = {"einbettende_websites": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(user)
        if not (scope.is_superuser or scope.is_kreis_staff(self.instance.kreis_id)):
            # Who may frame the Kommune's widget is the Kreis's decision (issue 17, point
            # 5): without the field a CDO's posted value is ignored.
            del self.fields["einbettende_websites"]

    def clean_einbettende_websites(self) -> str:
        return "\n".join(https_origins(self.cleaned_data.get("einbettende_websites", "")))
