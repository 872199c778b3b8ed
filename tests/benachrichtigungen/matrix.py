"""Permission matrix rows of following and the inbox (see tests/matrix.py)."""

from tests.matrix import ALLE_OK, LOGIN, NOT_ALLOWED, NOT_FOUND, NUR_ANGEMELDET, NUR_KREIS, ROLLEN

# POST only: every logged-in person gets 405 on GET (whether they may follow the thing is
# checked on POST, tests/benachrichtigungen/test_views.py).
NUR_POST = {**dict.fromkeys(ROLLEN, NOT_ALLOWED), "anonym": LOGIN}

MATRIX = {
    # Everyone's own inbox.
    "benachrichtigungen:liste": ("/benachrichtigungen/", NUR_ANGEMELDET),
    # A notification of Blomberg's CDO: nobody else opens it, not even a superuser.
    "benachrichtigungen:oeffnen": (
        "/benachrichtigungen/{benachrichtigung}/",
        {**dict.fromkeys(ROLLEN, NOT_FOUND), "anonym": LOGIN},
    ),
    "benachrichtigungen:alle_gelesen": ("/benachrichtigungen/alle-gelesen/", NUR_POST),
    "benachrichtigungen:folgen": ("/benachrichtigungen/folgen/massnahme/{massnahme}/", NUR_POST),
    # Everyone's own e-mail settings.
    "konto:benachrichtigungen": ("/konto/benachrichtigungen/", NUR_ANGEMELDET),
    # The unsubscribe link of a mail works without login (the signed token is the key);
    # GET only asks (tests/benachrichtigungen/test_mail.py).
    "konto:abmelden": ("/konto/benachrichtigungen/abmelden/{abmelde_token}/", ALLE_OK),
    "konto:abmelden (forged token)": (
        "/konto/benachrichtigungen/abmelden/x:y:z/",
        dict.fromkeys(ROLLEN, NOT_FOUND),
    ),
    # Lippe's reminder days: its staff and admins.
    "konto:erinnerungsregel": ("/konto/benachrichtigungen/erinnerungen/lippe/", NUR_KREIS),
}


def objekte(welt) -> dict:
    from benachrichtigungen.models import Benachrichtigung
    from kommunen.models import Rolle
    from tests.factories import MitgliedschaftFactory, UserFactory

    blomberg = UserFactory(email="cdo.blomberg@example.invalid")
    MitgliedschaftFactory(user=blomberg, rolle=Rolle.CDO, kommune=welt.blomberg)
    eintrag = Benachrichtigung.objects.create(
        empfaenger=blomberg,
        massnahme=welt.massnahme,
        art=Benachrichtigung.Art.STATUSMELDUNG,
        text="Neue Statusmeldung",
        link=welt.massnahme.get_absolute_url(),
        ereignis="matrix:1",
    )
    from benachrichtigungen.mail import abmelde_token

    return {"benachrichtigung": eintrag.pk, "abmelde_token": abmelde_token(blomberg, ["dokument"])}
