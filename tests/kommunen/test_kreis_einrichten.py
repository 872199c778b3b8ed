"""`manage.py kreis_einrichten`: a Kreis's people from a CSV list, invited by e-mail.

A good list creates the memberships and sends one invitation per new person, whose link sets
a password that then logs in; a bad row is named with its line number and nothing is created;
a dry run creates nothing; a second run creates nothing twice.
"""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from kommunen.models import Mitgliedschaft, Rolle
from tests.benachrichtigungen.smtp import celery_wiederholt, smtp_aus  # noqa: F401
from tests.factories import PASSWORD, KommuneFactory

pytestmark = pytest.mark.django_db

User = get_user_model()

GUT = (
    "E-Mail;Name;Kommune;Rolle;Funktion\n"
    "anna.albers@herford.invalid;Anna Albers;05758012;CDO;Digitalisierungsbeauftragte\n"
    "Bernd.Brune@kreis-herford.invalid;Brune, Bernd;Kreis;Kreis;Stabsstelle Digitalisierung\n"
    # Excel shows an AGS without its leading zero once the cell is a number.
    "carla.claas@buende.invalid;Carla Claas;5758004;Digitalisierungsbeauftragte;\n"
)


@pytest.fixture
def herford(welt):
    KommuneFactory(kreis=welt.herford, ags="05758004", name="Bünde", slug="buende")
    return welt.herford


def einrichten(tmp_path, inhalt: bytes | str, *args: str, kreis: str = "05758") -> str:
    datei = tmp_path / "personen.csv"
    datei.write_bytes(inhalt.encode("utf-8") if isinstance(inhalt, str) else inhalt)
    out = io.StringIO()
    # The mails leave the outbox after the commit (the test's transaction never commits).
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command(
            "kreis_einrichten", "--kreis", kreis, "--personen", str(datei), *args, stdout=out
        )
    return out.getvalue()


def mitgliedschaften() -> set[tuple[str, str, str]]:
    """The memberships the command made (the `welt` fixture's people use example.invalid)."""
    return {
        (m.user.email, m.rolle, m.kommune.name if m.kommune else m.kreis.name)
        for m in Mitgliedschaft.objects.select_related("user", "kommune", "kreis").exclude(
            user__email__endswith="@example.invalid"
        )
    }


ERWARTET = {
    ("anna.albers@herford.invalid", Rolle.CDO, "Herford"),
    ("bernd.brune@kreis-herford.invalid", Rolle.KREIS, "Herford"),
    ("carla.claas@buende.invalid", Rolle.CDO, "Bünde"),
}


def test_good_list_creates_memberships_and_invites_each_new_person(tmp_path, herford):
    # UTF-8 with BOM and semicolons: what Excel's "CSV UTF-8" writes.
    ausgabe = einrichten(tmp_path, "\ufeff" + GUT)
    assert mitgliedschaften() == ERWARTET
    bernd = User.objects.get(email="bernd.brune@kreis-herford.invalid")
    assert (bernd.first_name, bernd.last_name, bernd.funktion) == (
        "Bernd",
        "Brune",
        "Stabsstelle Digitalisierung",
    )
    assert not bernd.has_usable_password()  # no password until the person sets one
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e for e, _, _ in ERWARTET)
    assert (
        "Zeile 2: anna.albers@herford.invalid (Anna Albers) – Digitalisierungsbeauftragte(r) der Stadt Herford: neue Person"
        in ausgabe
    )
    assert "3 neue Person(en), 3 neue Mitgliedschaft(en), 3 E-Mail(s)" in ausgabe


@pytest.mark.parametrize(
    ("kodierung", "text"),
    [
        # RFC 4180, no BOM: a comma inside a name is quoted.
        ("utf-8", GUT.replace(";", ",").replace("Brune, Bernd", '"Brune, Bernd"')),
        ("cp1252", GUT),  # Excel's plain "CSV (Trennzeichen-getrennt)" on German Windows
        ("utf-8", GUT.replace("\n", "\r\n")),
    ],
    ids=["komma-ohne-bom", "windows-1252", "crlf"],
)
def test_lists_as_offices_save_them_are_read(tmp_path, herford, kodierung, text):
    text = text.replace("Carla Claas", "Carla Claaß")
    einrichten(tmp_path, text.encode(kodierung))
    assert mitgliedschaften() == ERWARTET
    assert User.objects.get(email="carla.claas@buende.invalid").last_name == "Claaß"


KOPF = "E-Mail;Name;Kommune;Rolle\n"
GUTE_ZEILE = "anna.albers@herford.invalid;Anna Albers;05758012;CDO\n"


@pytest.mark.parametrize(
    ("zeile", "meldung"),
    [
        (";Otto Ohne;05758012;CDO", "Zeile 3: Die E-Mail-Adresse fehlt."),
        (
            "otto(at)herford;Otto Ohne;05758012;CDO",
            "Zeile 3: „otto(at)herford“ ist keine gültige E-Mail-Adresse.",
        ),
        ("otto@herford.invalid;;05758012;CDO", "Zeile 3: Der Name fehlt."),
        (
            "otto@herford.invalid;Otto;05758012;CDO",
            "Zeile 3: Bitte Vor- und Nachnamen angeben („Otto“).",
        ),
        ("otto@herford.invalid;Otto Ohne;05758012;", "Zeile 3: Die Rolle fehlt (CDO oder Kreis)."),
        (
            "otto@herford.invalid;Otto Ohne;05758012;Bürgermeister",
            "Zeile 3: Die Rolle „Bürgermeister“ gibt es hier nicht",
        ),
        (
            "otto@herford.invalid;Otto Ohne;;CDO",
            "Zeile 3: Die Kommune fehlt (AGS der Kommune oder „Kreis“).",
        ),
        (
            "otto@herford.invalid;Otto Ohne;05758999;CDO",
            "Zeile 3: Eine Kommune mit dem AGS 05758999 gibt es nicht.",
        ),
        (
            "otto@herford.invalid;Otto Ohne;05766020;CDO",
            "Zeile 3: Stadt Detmold (05766020) gehört nicht zum Kreis Herford, sondern zum Kreis Lippe.",
        ),
        (
            "otto@herford.invalid;Otto Ohne;Herford;CDO",
            "Zeile 3: „Herford“ ist weder der achtstellige AGS einer Kommune des Kreises Herford noch „Kreis“.",
        ),
        (
            "otto@herford.invalid;Otto Ohne;Kreis;CDO",
            "Zeile 3: Eine CDO-Rolle gehört zu einer Kommune: bitte den AGS der Kommune angeben.",
        ),
        (
            "otto@herford.invalid;Otto Ohne;05758012;Kreis",
            "Zeile 3: Die Rolle Kreis gehört zum Kreis, nicht zu einer Kommune: bitte „Kreis“ angeben.",
        ),
        (
            "anna.albers@herford.invalid;Anna Albers;05758012;CDO",
            "Zeile 3: Dieselbe Person mit derselben Rolle steht schon in Zeile 2.",
        ),
    ],
    ids=[
        "ohne-email",
        "email-ungueltig",
        "ohne-name",
        "nur-vorname",
        "ohne-rolle",
        "rolle-unbekannt",
        "ohne-kommune",
        "ags-unbekannt",
        "kommune-anderer-kreis",
        "kommune-als-name",
        "cdo-beim-kreis",
        "kreisrolle-bei-kommune",
        "doppelt",
    ],
)
def test_a_bad_row_is_named_by_its_line_and_nothing_is_created(tmp_path, herford, zeile, meldung):
    personen_vorher = User.objects.count()
    with pytest.raises(CommandError) as fehler:
        einrichten(tmp_path, KOPF + GUTE_ZEILE + zeile + "\n")
    text = str(fehler.value)
    assert "es wurde nichts angelegt" in text
    assert meldung in text
    assert User.objects.count() == personen_vorher  # not even the good row's person
    assert mitgliedschaften() == set()
    assert mail.outbox == []


def test_all_bad_rows_are_listed_at_once(tmp_path, herford):
    liste = (
        KOPF
        + ";Otto Ohne;05758012;CDO\n"
        + "\n"  # an empty line is skipped but still counted
        + GUTE_ZEILE
        + "paula@herford.invalid;Paula Pohl;05758999;Kreis\n"
    )
    with pytest.raises(CommandError) as fehler:
        einrichten(tmp_path, liste)
    text = str(fehler.value)
    assert "Zeile 2: Die E-Mail-Adresse fehlt." in text
    assert "Zeile 5: Eine Kommune mit dem AGS 05758999 gibt es nicht." in text
    assert "Zeile 4" not in text
    assert mitgliedschaften() == set()


@pytest.mark.parametrize(
    ("inhalt", "meldung"),
    [
        ("", "Die Datei ist leer."),
        (
            "Mail;Name;Rolle\nx@y.invalid;X Y;CDO\n",
            "Zeile 1: Die Kopfzeile braucht die Spalten E-Mail, Name, Kommune und Rolle; es fehlt: Kommune.",
        ),
        (KOPF, "Die Liste enthält unter der Kopfzeile keine Person."),
    ],
    ids=["leer", "spalte-fehlt", "nur-kopf"],
)
def test_a_bad_file_is_refused_in_german(tmp_path, herford, inhalt, meldung):
    with pytest.raises(CommandError, match=re.escape(meldung)):
        einrichten(tmp_path, inhalt)


def test_unknown_kreis_and_missing_file_are_refused(tmp_path, herford):
    with pytest.raises(CommandError, match="Einen Kreis mit dem AGS 05999 gibt es im Portal nicht"):
        einrichten(tmp_path, GUT, kreis="05999")
    with pytest.raises(CommandError, match="lässt sich nicht lesen"):
        call_command(
            "kreis_einrichten", "--kreis", "05758", "--personen", str(tmp_path / "fehlt.csv")
        )


@pytest.mark.parametrize("schalter", ["--probelauf", "--dry-run"])
def test_dry_run_shows_what_would_happen_and_creates_nothing(tmp_path, herford, schalter):
    personen_vorher = User.objects.count()
    ausgabe = einrichten(tmp_path, GUT, schalter)
    assert (
        "Zeile 3: bernd.brune@kreis-herford.invalid (Bernd Brune) – Kreisverwaltung (Kreis Herford): neue Person"
        in ausgabe
    )
    assert (
        "Probelauf des Kreises Herford: 3 neue Person(en), 3 neue Mitgliedschaft(en), 3 E-Mail(s)"
        in ausgabe
    )
    assert "Es wurde nichts gespeichert und keine E-Mail verschickt." in ausgabe
    assert User.objects.count() == personen_vorher
    assert mitgliedschaften() == set()
    assert mail.outbox == []


def test_invitation_link_sets_a_password_that_logs_in(tmp_path, herford, client):
    einrichten(tmp_path, GUT)
    nachricht = next(m for m in mail.outbox if m.to == ["anna.albers@herford.invalid"])
    assert nachricht.subject == "[Lippe Digitalportal] Einladung in das Digitalportal"
    assert "Der Kreis Herford hat Sie in das Digitalportal eingeladen." in nachricht.body
    assert "Digitalisierungsbeauftragte(r) der Stadt Herford" in nachricht.body
    # The one mail path, transactional: text and HTML, signed by the inviting Kreis (not
    # "Kreis Lippe"), and no unsubscribe - the password link is the only way in.
    assert "Mit freundlichen Grüßen\nIhr Kreis Herford" in nachricht.body
    assert "Lippe" not in nachricht.body.replace(settings.PORTAL_NAME, "")
    [(html, typ)] = nachricht.alternatives
    assert typ == "text/html" and "/accounts/password/reset/key/" in html
    assert "List-Unsubscribe" not in nachricht.extra_headers
    assert "abbestellen" not in nachricht.body and "abbestellen" not in html
    link = re.search(
        re.escape(settings.PORTAL_BASE_URL) + r"(/accounts/password/reset/key/\S+)", nachricht.body
    )
    assert link, nachricht.body
    seite = client.get(link.group(1), follow=True)
    assert seite.status_code == 200
    formular_url = seite.redirect_chain[-1][0]
    assert "set-password" in formular_url  # the token left the address bar
    neu = "Herford-digital-2027!"
    antwort = client.post(formular_url, {"password1": neu, "password2": neu})
    assert antwort.status_code == 302
    client.logout()
    antwort = client.post(
        "/accounts/login/", {"login": "anna.albers@herford.invalid", "password": neu}, follow=True
    )
    assert antwort.redirect_chain[-1][0] == "/"
    assert antwort.wsgi_request.user.email == "anna.albers@herford.invalid"
    # The link works once: with the new password set, the token no longer fits.
    client.logout()
    wieder = client.get(link.group(1), follow=True)
    assert wieder.redirect_chain == []
    assert "ungültig" in wieder.content.decode()


def test_second_run_creates_nothing_twice_and_sends_nothing(tmp_path, herford):
    einrichten(tmp_path, GUT)
    vorher = (User.objects.count(), Mitgliedschaft.objects.count(), len(mail.outbox))
    ausgabe = einrichten(tmp_path, GUT)
    assert (User.objects.count(), Mitgliedschaft.objects.count(), len(mail.outbox)) == vorher
    assert ausgabe.count("besteht bereits, nichts zu tun") == 3
    assert "0 neue Person(en), 0 neue Mitgliedschaft(en), 0 E-Mail(s)" in ausgabe


def test_a_person_already_there_gets_the_new_role_without_a_new_password(tmp_path, herford, welt):
    # The CDO of Detmold also joins the Kreisverwaltung Herford: same account, one more role.
    liste = KOPF + "CDO.Detmold@example.invalid;Erika Mustermann;Kreis;Kreis\n"
    ausgabe = einrichten(tmp_path, liste)
    assert "vorhandene Person, neue Rolle" in ausgabe
    user = welt.users["cdo_eigen"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert set(user.mitgliedschaften.values_list("rolle", flat=True)) == {Rolle.CDO, Rolle.KREIS}
    (nachricht,) = mail.outbox
    assert nachricht.subject == "[Lippe Digitalportal] Neue Rolle im Digitalportal"
    assert "Kreisverwaltung (Kreis Herford)" in nachricht.body
    assert "/accounts/password/reset/key/" not in nachricht.body


# Committed for real, as the command runs outside a test transaction: the mail leaves the
# outbox before the command reports.
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("smtp_aus")
def test_a_mail_server_that_is_down_is_reported_and_the_invitation_kept(tmp_path, herford):
    from benachrichtigungen.models import Mail

    with pytest.raises(CommandError) as fehler:
        einrichten(tmp_path, GUT)
    assert "Diese E-Mails ließen sich nicht verschicken" in str(fehler.value)
    assert "anna.albers@herford.invalid: " in str(fehler.value)
    # The people exist, the invitations wait in the outbox for the next attempt.
    assert len(mitgliedschaften()) == 3
    assert Mail.objects.filter(status=Mail.Status.FEHLGESCHLAGEN).count() == 3
