from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Nobody signs up alone: people arrive through an invitation (see accounts.services)."""

    def is_open_for_signup(self, request):
        return False
