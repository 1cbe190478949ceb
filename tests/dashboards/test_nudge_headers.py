from django.core import mail

from accounts.models import User
from dashboards.models import Nudge
from dashboards.tasks import send_nudge_email
from organizations.models import Person


def test_a_legacy_line_break_in_a_partners_name_leaves_the_nudge_subject_on_one_line(
    organization, programme_data, pair_members, in_organization
):
    pair = programme_data["pairs"]["a"]
    legacy = "Durand\r\nBcc: everyone@acme.example"
    User.objects.filter(pk=pair.mentee.user_id).update(last_name=legacy)
    Person.objects.filter(user_id=pair.mentee.user_id).update(last_name=legacy)
    nudge = Nudge.objects.create(pair=pair, reasons=[])
    send_nudge_email(organization.pk, nudge.pk)
    to_mentor = next(message for message in mail.outbox if message.to == [pair.mentor.user.email])
    assert "Durand Bcc: everyone@acme.example" in to_mentor.subject
    assert to_mentor.message()["Bcc"] is None
