from django import forms

from .models import Kommune


class KommuneProfilForm(forms.ModelForm):
    """What a CDO keeps up to date about their Kommune; official data stays read-only."""

    website = forms.URLField(
        label="Website",
        required=False,
        assume_scheme="https",
        help_text="Vollständige Adresse mit https://",
    )

    class Meta:
        model = Kommune
        fields = ["website", "beschreibung"]
        help_texts = {
            "website": "Vollständige Adresse mit https://",
            "beschreibung": "Kurzprofil der Digitalisierung in der Kommune.",
        }
