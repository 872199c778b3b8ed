"""The e-mail settings of a person and a Kreis's reminder days."""

from __future__ import annotations

from django import forms

from .models import MAILART_HAEUFIGKEITEN, Erinnerungsregel, Haeufigkeit, Mailart, Mailpraeferenz

HILFE = {
    Mailart.ERINNERUNG: "Wenn für eine Maßnahme Ihrer Kommune die Statusmeldung des Quartals "
    "fehlt: vor dem Quartalsende und einige Tage danach. Für Mitarbeitende des Kreises: die "
    "Liste der noch fehlenden Statusmeldungen.",
    Mailart.AUFGABEN: "Montags: fällige Statusmeldungen, Meilensteine und Workshop-Ergebnisse "
    "Ihrer Kommune sowie Fristen der Förderbescheide.",
    Mailart.LOESUNGEN: "Montags: neue Einträge im Lösungskatalog von ähnlich großen Kommunen "
    "in den Handlungsfeldern Ihrer Kommune, die Ihre Kommune noch nicht nutzt.",
}


class MailpraeferenzForm(forms.Form):
    """One choice per Mailart, offering only the frequencies that kind has."""

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        aktuell = Mailpraeferenz.objects.for_person(person)
        for art, wahl in MAILART_HAEUFIGKEITEN.items():
            self.fields[art] = forms.ChoiceField(
                label=Mailart(art).label,
                choices=[(h, Haeufigkeit(h).label) for h in wahl],
                initial=aktuell[art],
                help_text=HILFE.get(art, ""),
                error_messages={"invalid_choice": "Bitte wählen Sie eine der Möglichkeiten."},
            )

    def save(self) -> None:
        for art in MAILART_HAEUFIGKEITEN:
            Mailpraeferenz.objects.update_or_create(
                person=self.person, art=art, defaults={"haeufigkeit": self.cleaned_data[art]}
            )


class ErinnerungsregelForm(forms.ModelForm):
    class Meta:
        model = Erinnerungsregel
        fields = ["tage_vor_quartalsende", "tage_nach_quartalsende", "tage_bis_eskalation"]
