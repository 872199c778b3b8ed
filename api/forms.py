from django import forms

from .models import ApiToken


class ApiTokenForm(forms.ModelForm):
    """Name a new token (the token itself is generated, never typed)."""

    class Meta:
        model = ApiToken
        fields = ["bezeichnung"]

    def clean_bezeichnung(self) -> str:
        bezeichnung = self.cleaned_data["bezeichnung"].strip()
        if not bezeichnung:
            raise forms.ValidationError("Bitte geben Sie an, wofür Sie das Token verwenden.")
        return bezeichnung
