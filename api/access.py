from django.http import Http404

from organizations.access import Member

from .models import ApiKey


def access_api_key(member: Member, key_id: int) -> ApiKey:
    """The organisation's key with this id, or 404 (missing and another organisation's alike)."""
    key = ApiKey.objects.filter(pk=key_id, organization=member.organization).first()
    if key is None:
        raise Http404
    return key
