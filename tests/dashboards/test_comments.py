"""What participants say: the comments their authors agreed to share anonymously, and only those.

On conftest.py's programme (threshold: 2 people), e1 and e2 (Finance) and e3 (IT) answer the final survey
in May; e1 and e3 share their comment, e2 keeps hers private.
"""

import datetime
import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards import impact
from dashboards.filters import DashboardFilters
from organizations.tenancy import tenant_context
from surveys.models import Answer, Question, SurveyResponse, SurveyTemplate
from tests.factories import ParticipantFactory, ProgrammeFactory
from tests.isolation import FOREIGN_MARKER

from .conftest import at

SHARED = "Mon binôme m'a appris à préparer mes réunions avec un assistant IA."
OTHER_SHARED = "Les séances courtes tiennent dans un agenda chargé."
PRIVATE = "Entre nous : mon manager ne croit pas au programme."


def url(organization, suffix=""):
    return f"/o/{organization.slug}/dashboard/{suffix}"


def _templates(programme):
    templates = {}
    for audience in ("mentee", "mentor"):
        template = SurveyTemplate.objects.create(
            programme=programme, moment="final", audience=audience, title="Final"
        )
        templates[audience] = (
            template,
            Question.objects.create(template=template, position=1, text="Satisfied?", type="scale"),
            Question.objects.create(template=template, position=2, text="Any comment?", type="text"),
        )
    return templates


def _answer(templates, person, comment="", *, shared=False, answered_at=None):
    template, scale, text = templates[person.role]
    response = SurveyResponse.objects.create(
        template=template,
        participant=person,
        key=f"final:{person.pk}:{SurveyResponse.objects.count()}",
        sent_at=at(5, 1),
        expires_at=at(7, 1),
        answered_at=answered_at or at(5, 2),
    )
    Answer.objects.create(response=response, question=scale, number=4)
    if comment:
        Answer.objects.create(response=response, question=text, text=comment, shared_anonymously=shared)
    return response


@pytest.fixture
def comments(organization, programme_data, in_organization):
    people = programme_data["people"]
    for index, key in enumerate(("e1", "e2", "e3")):
        people[key].user.first_name, people[key].user.last_name = f"Zéphyrine{index}", f"Quintal{index}"
        people[key].user.save()
    templates = _templates(programme_data["programme"])
    _answer(templates, people["e1"], SHARED, shared=True)
    _answer(templates, people["e2"], PRIVATE, shared=False)
    _answer(templates, people["e3"], OTHER_SHARED, shared=True)
    return {"templates": templates, "people": people}


def _section(body):
    start = body.index('id="comments-heading"')
    return body[start : body.index("</section>", start)]


def _xlsx_text(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def test_a_shared_comment_shows_without_its_author_s_name_department_or_day(
    client_for, executive, organization, comments
):
    body = client_for(executive).get(url(organization)).content.decode()
    section = _section(body)
    assert "What participants say" in section
    assert "binôme m&#x27;a appris" in section and "Les séances courtes" in section
    for person in (comments["people"][key] for key in ("e1", "e2", "e3")):
        assert person.user.last_name not in body and person.user.email not in body
    assert "Finance" not in section and "IT<" not in section
    assert "May 2026" in section and "May 2," not in section and "2026-05-02" not in section


def test_a_comment_its_author_kept_private_never_leaves_the_database(
    client_for, executive, organization, comments
):
    client = client_for(executive)
    pages = {
        suffix: client.get(url(organization, suffix)).content
        for suffix in ("", "report/", "export.csv", "export.xlsx")
    }
    for suffix, content in pages.items():
        assert b"mon manager" not in content, suffix
    assert "mon manager" not in _xlsx_text(pages["export.xlsx"])
    assert "binôme m&#x27;a appris" in pages["report/"].decode()


def test_the_figure_exports_quote_no_comment_at_all(client_for, executive, organization, comments):
    client = client_for(executive)
    csv_text = client.get(url(organization, "export.csv")).content.decode("utf-8-sig")
    xlsx_text = _xlsx_text(client.get(url(organization, "export.xlsx")).content)
    for comment in (SHARED, OTHER_SHARED, PRIVATE):
        assert comment[:20] not in csv_text and comment[:20] not in xlsx_text


def test_below_the_threshold_the_comments_are_hidden_with_a_note(
    client_for, executive, organization, comments
):
    """Three people answered: a threshold of 4 hides both shared comments."""
    organization.minimum_group_size = 4
    organization.save()
    response = client_for(executive).get(url(organization))
    section = _section(response.content.decode())
    assert "No comment to show" in section and "at least 4 people" in section
    assert "binôme" not in section and "séances courtes" not in section
    assert response.context["board"].impact["comments"] == {"shown": False, "comments": [], "shared": None}


def test_no_comment_shared_and_too_few_people_read_the_same(client_for, executive, organization, comments):
    """Whether comments exist in a small group is not disclosed either."""
    organization.minimum_group_size = 4
    organization.save()
    client = client_for(executive)
    hidden = _section(client.get(url(organization)).content.decode())
    Answer.objects.filter(shared_anonymously=True).update(shared_anonymously=False)
    organization.minimum_group_size = 2
    organization.save()
    assert _section(client.get(url(organization)).content.decode()) == hidden.replace("4 people", "2 people")


def test_the_filters_narrow_the_comments_to_their_scope(organization, comments):
    """Finance: e1 (shared) and e2 answered; IT: only e3, one person, under the threshold of 2."""

    def texts(**chosen):
        found = impact.shared_comments(filters=DashboardFilters.default(organization, **chosen), minimum=2)
        return sorted(comment["text"] for comment in found["comments"])

    assert texts() == sorted([SHARED, OTHER_SHARED])
    assert texts(department="Finance") == [SHARED]
    assert texts(department="IT") == []
    assert texts(end=datetime.date(2026, 4, 30)) == []
    other = ProgrammeFactory(organization=organization)
    assert texts(programme_id=other.pk) == []


def test_the_crowd_is_the_people_who_answered_a_survey_asking_for_a_comment(organization, comments):
    """A pulse survey (no comment asked) answered by four more people does not lower the threshold."""
    pulse = SurveyTemplate.objects.create(
        programme=comments["people"]["e1"].programme, moment="pulse", audience="mentee", title="Pulse"
    )
    question = Question.objects.create(template=pulse, text="Useful?", type="scale")
    for _ in range(4):
        person = ParticipantFactory(organization=organization, programme=pulse.programme)
        response = SurveyResponse.objects.create(
            template=pulse,
            participant=person,
            key=f"pulse:{person.pk}",
            sent_at=at(5, 1),
            expires_at=at(7, 1),
            answered_at=at(5, 2),
        )
        Answer.objects.create(response=response, question=question, number=5)
    assert not impact.shared_comments(filters=DashboardFilters.default(organization), minimum=4)["shown"]
    assert impact.shared_comments(filters=DashboardFilters.default(organization), minimum=3)["shown"]


def test_the_comments_come_in_a_stable_order_that_is_not_the_order_of_answering(organization, comments):
    people = comments["people"]
    for day in range(3, 11):
        _answer(
            comments["templates"],
            people["e4"],
            f"Commentaire du {day} mai",
            shared=True,
            answered_at=at(5, day),
        )
    filters = DashboardFilters.default(organization)
    first = [row["text"] for row in impact.shared_comments(filters=filters, minimum=2)["comments"]]
    again = [row["text"] for row in impact.shared_comments(filters=filters, minimum=2)["comments"]]
    chronological = [SHARED, OTHER_SHARED] + [f"Commentaire du {day} mai" for day in range(3, 11)]
    assert first == again and sorted(first) == sorted(chronological)
    assert first != chronological and first != chronological[::-1]


def test_a_stable_sample_is_quoted_when_many_were_shared(
    client_for, executive, organization, comments, monkeypatch
):
    monkeypatch.setattr(impact, "COMMENTS_LIMIT", 1)
    response = client_for(executive).get(url(organization))
    found = response.context["board"].impact["comments"]
    assert found["shared"] == 2 and len(found["comments"]) == 1
    assert "1 of them is quoted here." in _section(response.content.decode())


def test_the_comments_cost_one_query_however_many_there_are(organization, comments):
    filters = DashboardFilters.default(organization)
    with CaptureQueriesContext(connection) as few:
        impact.shared_comments(filters=filters, minimum=2)
    for day in range(3, 23):
        _answer(
            comments["templates"],
            comments["people"]["e4"],
            f"Note {day}",
            shared=True,
            answered_at=at(5, day),
        )
    with CaptureQueriesContext(connection) as many:
        assert impact.shared_comments(filters=filters, minimum=2)["shared"] == 22
    assert len(few) == len(many) == 1


def test_another_organisation_s_comments_and_people_never_count(
    client_for, executive, organization, other_organization, comments
):
    """Globex: five people shared a comment. Acme's three answers stay under a threshold of 4."""
    programme = ProgrammeFactory(organization=other_organization)
    with tenant_context(other_organization):
        templates = _templates(programme)
        for _ in range(5):
            person = ParticipantFactory(organization=other_organization, programme=programme)
            _answer(templates, person, f"{FOREIGN_MARKER} says hello", shared=True)
    client = client_for(executive)
    assert FOREIGN_MARKER not in client.get(url(organization)).content.decode()
    organization.minimum_group_size = 4
    organization.save()
    assert not client.get(url(organization)).context["board"].impact["comments"]["shown"]


def test_hr_reads_the_shared_comments_on_the_dashboard_and_never_on_the_survey_pages(
    client_for, hr_admin, organization, comments
):
    client = client_for(hr_admin)
    assert "binôme m&#x27;a appris" in client.get(url(organization)).content.decode()
    template = comments["templates"]["mentee"][0]
    for page in ("/o/acme/surveys/", f"/o/acme/surveys/{template.pk}/"):
        body = client.get(page).content.decode()
        assert "binôme" not in body and "mon manager" not in body and "séances courtes" not in body
    assert 'href="/o/acme/dashboard/">dashboard</a>' in client.get("/o/acme/surveys/").content.decode()
