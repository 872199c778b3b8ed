"""The mails of `manage.py kreis_einrichten`: the invitation with the set-password link for
a new person, a short notice of the new role for someone who already logs in.

They go on the one mail path (outbox, text and HTML, retried when SMTP fails) but are
transactional: no unsubscribe (see mail.enqueue_mail). The invitation is the only way
into the portal (there is no sign-up), and the notice tells a person that their access
rights changed; neither is a series one could opt out of.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from kommunen.models import Kreis
from kommunen.services import Ergebnis

from . import mail
from .models import Mail


def einladungslink(user) -> str:
    """The link to allauth's set-password page with a Django password-reset token.

    The token is bound to the password hash and the last login, so it works once; it expires
    after `PASSWORD_RESET_TIMEOUT`.
    """
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    pfad = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return mail.absolute_url(pfad)


def _inhalt(kreis: Kreis, user, rollen: list[str]) -> mail.Inhalt:
    rollen_eintraege = [mail.Eintrag(rolle) for rolle in rollen]
    ihre_rollen = f"Ihre Rolle{'n' if len(rollen) != 1 else ''}"
    if user.has_usable_password():
        return mail.Inhalt(
            betreff="Neue Rolle im Digitalportal",
            einleitung=(
                f"{kreis.nominativ[:1].upper()}{kreis.nominativ[1:]} hat Ihrem Zugang zum "
                "Digitalportal eine Rolle hinzugefügt:"
            ),
            abschnitte=[
                mail.Abschnitt("", rollen_eintraege),
                mail.Abschnitt(
                    "",
                    [
                        mail.Eintrag(
                            f"Sie melden sich wie bisher mit {user.email} und Ihrem Passwort an",
                            mail.absolute_url(reverse("account_login")),
                        )
                    ],
                ),
            ],
            absender=kreis.ihr,
        )
    tage = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    return mail.Inhalt(
        betreff="Einladung in das Digitalportal",
        einleitung=(
            f"{kreis.nominativ[:1].upper()}{kreis.nominativ[1:]} hat Sie in das Digitalportal "
            f"eingeladen. {ihre_rollen}:"
        ),
        abschnitte=[
            mail.Abschnitt("", rollen_eintraege),
            mail.Abschnitt(
                "",
                [
                    mail.Eintrag(
                        f"Ihre Anmeldung ist Ihre E-Mail-Adresse {user.email}. Über diesen "
                        "Link legen Sie Ihr Passwort fest:",
                        einladungslink(user),
                    ),
                    mail.Eintrag(
                        f"Der Link gilt {tage} Tag{'e' if tage != 1 else ''} und nur einmal. "
                        "Ist er abgelaufen, fordern Sie hier einen neuen an:",
                        mail.absolute_url(reverse("account_reset_password")),
                    ),
                ],
            ),
        ],
        schluss=(
            "Wenn Sie diese Einladung nicht erwartet haben, können Sie die E-Mail ignorieren; "
            "ohne Passwort ist keine Anmeldung möglich."
        ),
        absender=kreis.ihr,
    )


def send_zugang(*, kreis: Kreis, ergebnis: Ergebnis) -> None:
    """One mail per person with new memberships; fills `ergebnis.mails` (queued) and
    `ergebnis.mail_fehler` (what the mail server refused or could not take yet – the
    outbox keeps trying)."""
    schluessel = {}
    for email, (user, eintraege) in ergebnis.mitzuteilen.items():
        rollen = [e.rolle_text for e in eintraege]
        mitgliedschaften = "+".join(
            sorted(
                f"{e.rolle}-{e.bereich.pk}"
                for e in eintraege  # the new memberships name the mail: each is told once
            )
        )
        schluessel[email] = f"zugang:{user.pk}:{mitgliedschaften}"
        mail.enqueue_mail(
            person=user,
            schluessel=schluessel[email],
            inhalt=_inhalt(kreis, user, rollen),
            arten=(),
            transaktional=True,
        )
    for versand in Mail.objects.filter(schluessel__in=schluessel.values()).order_by("adresse"):
        if versand.status == Mail.Status.GESENDET or not versand.letzter_fehler:
            ergebnis.mails.append(versand.adresse)
        else:
            ergebnis.mail_fehler.append(f"{versand.adresse}: {versand.letzter_fehler}")
