from allauth.mfa.adapter import DefaultMFAAdapter

from . import mfa


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator):
        """A person whose organisation requires a second factor cannot switch off their last one."""
        if authenticator.type not in mfa.ENROLLING_TYPES:
            return True
        others = (
            type(authenticator)
            .objects.filter(user_id=authenticator.user_id, type__in=mfa.ENROLLING_TYPES)
            .exclude(pk=authenticator.pk)
        )
        return others.exists() or not mfa.organizations_requiring_mfa(user=authenticator.user)
