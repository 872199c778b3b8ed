"""allauth adapter: there is no open sign-up, accounts are created by the Kreis."""

from allauth.account.adapter import DefaultAccountAdapter


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False
