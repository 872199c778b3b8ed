"""Forms for Maßnahmen, their Meilensteine, Statusmeldungen and documents."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.forms import BaseInlineFormSet, inlineformset_factory

from core.files import ERLAUBTE_DATEITYPEN, UploadCheckMixin
from core.money import EuroField
from handlungsfelder.models import Ziel
from kommunen.models import Kommune
from kommunen.scope import scope_for

from .models import Ampel, Anhang, Massnahme, Meilenstein, Sichtbarkeit, Statusmeldung
from .services import STATUSMELDUNG_FELDER

DATUM = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MassnahmeForm(forms.ModelForm):
    """Create and edit a Maßnahme. The Kreis is set by the view; a CDO may only choose
    their own Kommune as lead, Kreis staff any Kommune of the Kreis or the Kreis itself."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    budget = EuroField(
        label="Budget (EUR)",
        required=False,
        min_value=Decimal("0"),
        help_text="In Euro, z. B. 12.500,00.",
    )

    class Meta:
        model = Massnahme
        fields = [
            "titel",
            "beschreibung",
            "handlungsfeld",
            "lebensbereiche",
            "ziel",
            "federfuehrend",
            "beteiligte",
            "status",
            "fortschritt",
            "ampel",
            "beginn",
            "ende_geplant",
            "ende_tatsaechlich",
            "budget",
            "sichtbarkeit",
        ]
        widgets = {
            "lebensbereiche": forms.CheckboxSelectMultiple,
            "beteiligte": forms.CheckboxSelectMultiple,
            "sichtbarkeit": forms.RadioSelect,
            "beginn": DATUM,
            "ende_geplant": DATUM,
            "ende_tatsaechlich": DATUM,
            "beschreibung": forms.Textarea(attrs={"rows": 5}),
            "fortschritt": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
        }
        help_texts = {
            "fortschritt": "Ganze Zahl von 0 bis 100.",
            "sichtbarkeit": "„Region“: auch die Kommunen und Kreise der anderen Kreise der "
            "Region lesen die Maßnahme. „öffentlich“: Titel, Beschreibung, Handlungsfeld und "
            "Fortschritt erscheinen außerdem auf der öffentlichen Transparenzseite.",
        }

    def __init__(self, *args, user, kreis, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.kreis = user, kreis
        if region is not None:
            self._as_regionsprojekt(region)
            return
        self.instance.kreis = kreis
        scope = scope_for(user)
        kommunen = Kommune.objects.filter(kreis=kreis).order_by("name")
        lead = self.fields["federfuehrend"]
        if scope.is_superuser or scope.is_kreis_staff(kreis.pk):
            lead.queryset = kommunen
            lead.empty_label = f"{kreis.bezeichnung} selbst"
        else:
            lead.queryset = kommunen.filter(pk__in=scope.cdo_kommune_ids)
            lead.required = True
            lead.empty_label = None
            lead.help_text = "Sie können Maßnahmen anlegen, die Ihre Kommune federführend leitet."
        # Partners from any Kreis of the region (issue 15, point 1), the own Kreis first;
        # a Kommune of another Kreis is named with its Kreis.
        beteiligte = self.fields["beteiligte"]
        beteiligte.queryset = (
            Kommune.objects.filter(kreis__region_id=kreis.region_id)
            .select_related("kreis")
            .annotate(fremd=ExpressionWrapper(~Q(kreis_id=kreis.pk), BooleanField()))
            .order_by("fremd", "kreis__name", "name")
        )
        beteiligte.label_from_instance = lambda k: (
            f"{k.name} ({k.kreis})" if k.kreis_id != kreis.pk else k.name
        )
        beteiligte.help_text = (
            "Kommunen des eigenen Kreises und der anderen Kreise der Region. Beteiligte "
            "Kommunen lesen die Maßnahme und geben ihre Statusmeldung ab; bearbeiten kann sie "
            "nur die Federführung."
        )
        self.fields["ziel"].queryset = Ziel.objects.filter(kreis=kreis).select_related(
            "handlungsfeld"
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        # Left out of a post (a script, an older form): the Maßnahme keeps its visibility.
        self.fields["sichtbarkeit"].required = False

    def _as_regionsprojekt(self, region) -> None:
        """A region project (issue 15, point 2): the region leads (no lead Kommune, no Ziel
        of a Kreis), partners from every Kreis of the region, read by the whole region."""
        self.instance.kreis, self.instance.region = None, region
        del self.fields["federfuehrend"]
        del self.fields["ziel"]
        beteiligte = self.fields["beteiligte"]
        beteiligte.queryset = (
            Kommune.objects.filter(kreis__region=region)
            .select_related("kreis")
            .order_by("kreis__name", "name")
        )
        beteiligte.label_from_instance = lambda k: f"{k.name} ({k.kreis})"
        beteiligte.help_text = (
            "Kommunen aus allen Kreisen der Region. Beteiligte Kommunen geben ihre "
            "Statusmeldung ab; bearbeiten kann das Projekt nur die Region."
        )
        # Read by every logged-in user of the region, and when public also on the
        # transparency pages; "Kreis" would shut out everyone (a region project has none).
        sichtbarkeit = self.fields["sichtbarkeit"]
        sichtbarkeit.choices = [
            (Sichtbarkeit.REGION.value, "Region – alle angemeldeten Nutzenden der Region"),
            (Sichtbarkeit.OEFFENTLICH.value, Sichtbarkeit.OEFFENTLICH.label),
        ]
        sichtbarkeit.required = False
        sichtbarkeit.help_text = (
            "„Region“: alle angemeldeten Nutzenden der Region lesen das Projekt. „öffentlich“: "
            "Titel, Beschreibung, Handlungsfeld und Fortschritt erscheinen außerdem auf der "
            "öffentlichen Transparenzseite."
        )
        if self.instance.sichtbarkeit not in (Sichtbarkeit.REGION, Sichtbarkeit.OEFFENTLICH):
            self.instance.sichtbarkeit = Sichtbarkeit.REGION
        self.initial["sichtbarkeit"] = self.instance.sichtbarkeit
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_sichtbarkeit(self) -> str:
        return self.cleaned_data.get("sichtbarkeit") or self.instance.sichtbarkeit

    def clean(self):
        cleaned = super().clean()
        lead = cleaned.get("federfuehrend")
        beteiligte = cleaned.get("beteiligte")
        if lead and beteiligte and lead in beteiligte:
            self.add_error(
                "beteiligte", "Die federführende Kommune ist nicht zusätzlich beteiligt."
            )
        return cleaned


class MeilensteinForm(forms.ModelForm):
    class Meta:
        model = Meilenstein
        fields = ["titel", "faellig_am", "erreicht_am"]
        widgets = {"faellig_am": DATUM, "erreicht_am": DATUM}


class MeilensteinBaseFormSet(BaseInlineFormSet):
    """Django offers an extra form's hidden id every Meilenstein in the database; here
    only the Maßnahme's own are valid, so a posted foreign id is an error at the field
    (tests/security/test_idor.py), not silently ignored."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["id"].queryset = self.get_queryset()


MeilensteinFormSet = inlineformset_factory(
    Massnahme,
    Meilenstein,
    form=MeilensteinForm,
    formset=MeilensteinBaseFormSet,
    extra=1,
    can_delete=True,
    max_num=50,
    validate_max=True,
)


class StatusmeldungForm(forms.ModelForm):
    """The quarter's Statusmeldung. Two hidden fields carry what the form was opened with
    (the Maßnahme's version, when the Statusmeldung was last saved), so a save notices what
    others saved since; unreadable values count as "unknown", never as a form error."""

    massnahme_version = forms.CharField(widget=forms.HiddenInput, required=False)
    meldung_stand = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, darf_veroeffentlichen: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ampel"].choices = Ampel.choices  # no empty radio button
        if not darf_veroeffentlichen:
            # A partner's CDO reports, but does not decide what the public reads: without the
            # field a posted value is ignored and the stored summary stays as it is.
            del self.fields["oeffentliche_zusammenfassung"]

    def clean_massnahme_version(self) -> int | None:
        wert = self.cleaned_data.get("massnahme_version") or ""
        return int(wert) if wert.isascii() and wert.isdigit() and len(wert) < 10 else None

    def clean_meldung_stand(self) -> str:
        return (self.cleaned_data.get("meldung_stand") or "")[:40]

    class Meta:
        model = Statusmeldung
        fields = list(STATUSMELDUNG_FELDER)
        widgets = {
            "fortschritt": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "ampel": forms.RadioSelect,
            "erreicht": forms.Textarea(attrs={"rows": 4}),
            "naechste_schritte": forms.Textarea(attrs={"rows": 3}),
            "risiken": forms.Textarea(attrs={"rows": 3}),
            "oeffentliche_zusammenfassung": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"fortschritt": "Ganze Zahl von 0 bis 100."}


class AnhangForm(UploadCheckMixin, forms.ModelForm):
    class Meta:
        model = Anhang
        fields = ["titel", "art", "datei"]
        help_texts = {
            "datei": "Erlaubt: "
            + ", ".join(sorted({e.lstrip(".").upper() for e in ERLAUBTE_DATEITYPEN}))
            + "; höchstens 20 MB."
        }
