from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "compagnon.members"
    verbose_name = _("Members and activities")

    def ready(self):
        # Accepting a "member" invitation (accounts, below this app) creates the member profile.
        from compagnon.accounts import hooks

        from .services import member_from_invitation

        hooks.register_member_invitation(member_from_invitation)
