"""Forms of the workshops app: the workshop itself, attendance, results, registration."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Q

from core.compat import FRUEHESTES_JAHR, SPAETESTES_JAHR
from core.files import UploadCheckMixin
from core.locking import VersionFormMixin
from kommunen.models import Kommune, Kreis, Mitgliedschaft, Region, Rolle
from kommunen.scope import scope_for

from .models import Ergebnis, Teilnahme, Workshop

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# Calendar apps and the database handle these years safely; anything outside is a typo
# (every form date field checks the same range, core.compat).


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _im_rahmen(value: dt.date | dt.datetime | None) -> bool:
    return value is None or FRUEHESTES_JAHR <= value.year <= SPAETESTES_JAHR


class WorkshopForm(VersionFormMixin, UploadCheckMixin, forms.ModelForm):
    """Create or edit a workshop. The Kreis is fixed once the workshop exists; every saved
    change bumps `sequenz` so calendar apps replace their copy."""

    online_link = forms.URLField(
        label="Link zur Videokonferenz",
        required=False,
        max_length=200,
        assume_scheme="https",
        validators=[URLValidator(schemes=["https", "http"])],
        help_text="Vollständige Adresse mit https://. Sehen nur Mitglieder des Kreises.",
    )
    max_teilnehmende = forms.IntegerField(
        label="höchstens Teilnehmende",
        required=False,
        min_value=1,
        max_value=10_000,
        help_text="Leer lassen, wenn es keine Begrenzung gibt.",
    )

    class Meta:
        model = Workshop
        fields = [
            "kreis",
            "titel",
            "beginn",
            "ende",
            "format",
            "ort",
            "online_link",
            "handlungsfeld",
            "organisiert_von",
            "max_teilnehmende",
            "agenda",
            "protokoll",
            "protokoll_datei",
        ]
        widgets = {
            "beginn": DateTimeLocalInput(),
            "ende": DateTimeLocalInput(),
            "agenda": forms.Textarea(attrs={"rows": 6}),
            "protokoll": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "beginn": "Datum und Uhrzeit (Ortszeit Detmold), z. B. 12.05.2026 14:00",
            "ende": "Datum und Uhrzeit, nach dem Beginn",
            "ort": "Bei Präsenz und hybrid: Gebäude, Anschrift, Raum",
            "agenda": "Ein Punkt je Zeile",
            "protokoll": "Das Protokoll als Text – oder als Dokument unten",
            "protokoll_datei": "PDF, ODT, DOCX; höchstens 20 MB",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        scope = scope_for(user)
        kreise = (
            Kreis.objects.all()
            if scope.is_superuser
            else Kreis.objects.filter(ags__in=scope.kreis_ids)
        )
        self.fields["handlungsfeld"].empty_label = "keines"
        self.fields["organisiert_von"].empty_label = "der Kreis"
        region = self._region(scope)
        if region is not None:
            # A workshop of the region (issue 15, point 2): the DigitalBüro runs it.
            del self.fields["kreis"]
            del self.fields["organisiert_von"]
            self.instance.kreis, self.instance.region = None, region
            return
        if self.instance.pk:
            del self.fields["kreis"]
            kommunen = Kommune.objects.filter(kreis_id=self.instance.kreis_id)
        elif len(kreise) == 1:
            del self.fields["kreis"]
            self.instance.kreis = kreise[0]
            kommunen = Kommune.objects.filter(kreis_id=self.instance.kreis_id)
        else:
            self.fields["kreis"].queryset = kreise
            # Blank only for a region workshop, which this form does not make.
            self.fields["kreis"].required = True
            kommunen = Kommune.objects.filter(kreis__in=kreise)
        self.fields["organisiert_von"].queryset = kommunen.select_related("kreis").order_by("name")

    def _region(self, scope):
        """The region of a region workshop: the one it has, or for a new workshop by a user
        of the region role who is no Kreis staff, their region."""
        if self.instance.pk:
            return self.instance.region
        if scope.region_ids and not scope.kreis_ids and not scope.is_superuser:
            return Region.objects.filter(pk__in=scope.region_ids).order_by("name").first()
        return None

    def clean_beginn(self):
        beginn = self.cleaned_data.get("beginn")
        if not _im_rahmen(beginn):
            raise forms.ValidationError(
                f"Bitte ein Datum zwischen {FRUEHESTES_JAHR} und {SPAETESTES_JAHR} angeben."
            )
        return beginn

    def clean_ende(self):
        ende = self.cleaned_data.get("ende")
        if not _im_rahmen(ende):
            raise forms.ValidationError(
                f"Bitte ein Datum zwischen {FRUEHESTES_JAHR} und {SPAETESTES_JAHR} angeben."
            )
        return ende

    def clean(self):
        cleaned = super().clean()
        kreis_id = (
            cleaned["kreis"].pk
            if cleaned.get("kreis")
            else getattr(self.instance, "kreis_id", None)
        )
        organisiert_von = cleaned.get("organisiert_von")
        if organisiert_von and kreis_id and organisiert_von.kreis_id != kreis_id:
            self.add_error("organisiert_von", "Die Kommune gehört nicht zu diesem Kreis.")
        return cleaned

    @transaction.atomic
    def save(self, commit: bool = True) -> Workshop:
        bump = bool(self.instance.pk) and self.has_changed()
        workshop = super().save(commit=False)
        if commit:
            if bump:
                workshop.sequenz = F("sequenz") + 1
            workshop.save()
            if bump:
                workshop.refresh_from_db(fields=["sequenz"])
        return workshop


class AnmeldungForm(forms.Form):
    """Which Kommune a CDO registers for (only asked when they are CDO of several)."""

    kommune = forms.ModelChoiceField(
        label="für Kommune", queryset=Kommune.objects.none(), required=False, empty_label=None
    )

    def __init__(self, *args, workshop: Workshop, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kommune"].queryset = Kommune.objects.filter(
            workshop.kommunen_q(), pk__in=scope_for(user).cdo_kommune_ids
        ).order_by("name")

    @property
    def mehrere(self) -> bool:
        return len(self.fields["kommune"].queryset) > 1


class TeilnahmeRecordForm(forms.Form):
    """Kreis staff record after the workshop who took part: one status per registration,
    and people who came without registering."""

    nachtragen = forms.ModelMultipleChoiceField(
        label="ohne Anmeldung teilgenommen",
        queryset=Mitgliedschaft.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Personen, die teilgenommen haben, aber nicht angemeldet waren.",
    )

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        self.teilnahmen = list(
            workshop.teilnahmen.select_related("person", "kommune").order_by(
                F("kommune__name").asc(nulls_first=True), "person__last_name", "pk"
            )
        )
        for teilnahme in self.teilnahmen:
            self.fields[f"status_{teilnahme.pk}"] = forms.ChoiceField(
                label=teilnahme_label(teilnahme.person, teilnahme.kommune, workshop),
                choices=Teilnahme.Status.choices,
                initial=teilnahme.status,
            )
        bereits = [t.person_id for t in self.teilnahmen]
        self.fields["nachtragen"].queryset = (
            Mitgliedschaft.objects.filter(user__is_active=True)
            .filter(member_q(workshop))
            .exclude(user_id__in=bereits)
            .select_related("user", "kommune")
            .order_by(F("kommune__name").asc(nulls_first=True), "user__last_name")
        )
        self.fields["nachtragen"].label_from_instance = lambda m: teilnahme_label(
            m.user, m.kommune, workshop
        )

    def status_felder(self):
        return [self[f"status_{t.pk}"] for t in self.teilnahmen]

    def clean_nachtragen(self):
        mitgliedschaften = self.cleaned_data["nachtragen"]
        # One Teilnahme per person: a person with two memberships counts once.
        gesehen, eindeutig = set(), []
        for mitgliedschaft in mitgliedschaften:
            if mitgliedschaft.user_id not in gesehen:
                gesehen.add(mitgliedschaft.user_id)
                eindeutig.append(mitgliedschaft)
        return eindeutig

    def status_per_teilnahme(self) -> dict[int, str]:
        return {t.pk: self.cleaned_data[f"status_{t.pk}"] for t in self.teilnahmen}


def member_in_kreis_q(kreis_id: str) -> Q:
    """Memberships that make someone a member of the Kreis: its CDOs and its staff."""
    return Q(rolle=Rolle.CDO, kommune__kreis_id=kreis_id) | Q(rolle=Rolle.KREIS, kreis_id=kreis_id)


def member_q(workshop: Workshop) -> Q:
    """Who may come: the members of its Kreis; of a region workshop, the region's CDOs, its
    Kreis staff and its DigitalBüro."""
    if not workshop.region_id:
        return member_in_kreis_q(workshop.kreis_id)
    region_id = workshop.region_id
    return (
        Q(rolle=Rolle.CDO, kommune__kreis__region_id=region_id)
        | Q(rolle=Rolle.KREIS, kreis__region_id=region_id)
        | Q(rolle=Rolle.REGION, region_id=region_id)
    )


def teilnahme_label(person, kommune, workshop) -> str:
    name = person.get_full_name() or person.email
    return f"{name} ({kommune.name if kommune else workshop.traeger.bezeichnung})"


class ErgebnisForm(VersionFormMixin, forms.ModelForm):
    """An action item of a workshop. The responsible Kommune's CDO may only change the
    status; the Kreis edits everything."""

    class Meta:
        model = Ergebnis
        fields = ["beschreibung", "verantwortlich", "faellig_am", "status"]
        widgets = {"beschreibung": forms.Textarea(attrs={"rows": 4}), "faellig_am": DateInput()}
        help_texts = {"faellig_am": "Datum, z. B. 30.06.2026"}

    def __init__(self, *args, workshop: Workshop, nur_status: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.workshop = workshop
        if nur_status:
            for name in ("beschreibung", "verantwortlich", "faellig_am"):
                del self.fields[name]
            return
        self.fields["verantwortlich"].queryset = Kommune.objects.filter(
            workshop.kommunen_q()
        ).order_by("name")
        self.fields["verantwortlich"].empty_label = (
            "die Region" if workshop.region_id else "der Kreis"
        )
        self.fields["beschreibung"].widget.attrs["maxlength"] = 5000

    def clean_faellig_am(self):
        faellig_am = self.cleaned_data.get("faellig_am")
        if not _im_rahmen(faellig_am):
            raise forms.ValidationError(
                f"Bitte ein Datum zwischen {FRUEHESTES_JAHR} und {SPAETESTES_JAHR} angeben."
            )
        return faellig_am

    def clean_beschreibung(self):
        beschreibung = self.cleaned_data.get("beschreibung", "")
        if len(beschreibung) > 5000:
            raise forms.ValidationError("Bitte höchstens 5000 Zeichen.")
        return beschreibung
