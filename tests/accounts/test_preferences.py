from django.urls import reverse

from accounts.models import User


def test_it_refuses_a_line_break_in_my_last_name_and_saves_nothing(client_for, mentee_user):
    before = User.objects.get(pk=mentee_user.pk)
    response = client_for(mentee_user).post(
        reverse("preferences"),
        {
            "first_name": "Jean",
            "last_name": "Durand\r\nBcc: everyone@acme.example",
            "language": "fr",
            "time_zone": "Asia/Tokyo",
        },
    )
    assert response.status_code == 200
    assert "one line" in response.content.decode()
    after = User.objects.get(pk=mentee_user.pk)
    assert (after.first_name, after.last_name, after.language, after.time_zone) == (
        before.first_name,
        before.last_name,
        before.language,
        before.time_zone,
    )
