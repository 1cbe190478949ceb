"""Platform staff never read what a pair wrote: no Django admin page shows it.

A pair writes a marker into every text it can (goals, progress notes, agenda, actions, private and shared
notes, session logs, shared resources, a decline reason, survey comments, the profile's hopes). A
superuser then deletes one of the goals through the admin (so its history exists) and requests every
admin page: the index and app pages, each registered model's list, search, add page, and for every row
its change page, history and delete confirmation, and the bulk-delete confirmation of every list.
"""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import get_content_type_for_model
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from organizations.roles import Role
from organizations.tenancy import tenant_context, unscoped
from pairing.models import Pair
from sessions.models import Goal, Session
from surveys.models import Answer, Question, SurveyResponse, SurveyTemplate
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    GoalFactory,
    GoalProgressFactory,
    PairFactory,
    ParticipantFactory,
    PrivateNoteFactory,
    SessionFactory,
    SharedResourceFactory,
    UserFactory,
    member,
)

SECRET = "Qzvpairwrote"


def written(field):
    return f"{SECRET} {field}"


@pytest.fixture
def pair_content(organization):
    """A pair of Acme that wrote something in every field it can write."""
    with tenant_context(organization):
        pair = PairFactory(organization=organization)
        pair.mentee.hopes = written("hopes")
        pair.mentee.save()
        declined = PairFactory(
            organization=organization,
            programme=pair.programme,
            mentor=pair.mentor,
            mentee=ParticipantFactory(organization=organization, programme=pair.programme),
            status=Pair.Status.DECLINED,
            decline_reason=written("decline reason"),
        )
        goal = GoalFactory(
            organization=organization, pair=pair, title=written("goal"), description=written("goal text")
        )
        doomed = GoalFactory(organization=organization, pair=pair, title=written("deleted goal"))
        held = SessionFactory(
            organization=organization,
            pair=pair,
            starts_at=timezone.now() - timedelta(days=3),
            status=Session.Status.HELD,
            logged_at=timezone.now(),
            topics=written("topics"),
            shared_notes=written("shared notes"),
            location=written("location"),
        )
        SessionFactory(
            organization=organization,
            pair=pair,
            status=Session.Status.CANCELLED,
            cancel_reason=written("cancel reason"),
        )
        GoalProgressFactory(organization=organization, goal=goal, note=written("progress note"), session=held)
        AgendaItemFactory(organization=organization, session=held, goal=goal, text=written("agenda"))
        AgendaItemFactory(
            organization=organization, session=held, goal=doomed, text=written("agenda of deleted")
        )
        PrivateNoteFactory(organization=organization, session=held, text=written("private note"))
        ActionItemFactory(organization=organization, pair=pair, session=held, title=written("action"))
        SharedResourceFactory(
            organization=organization, pair=pair, title=written("resource"), body=written("resource body")
        )
        template = SurveyTemplate.objects.create(
            programme=pair.programme,
            moment=SurveyTemplate.Moment.PULSE,
            audience=SurveyTemplate.Audience.MENTEE,
            title="Pulse",
        )
        question = Question.objects.create(template=template, text="Anything else?", type=Question.Type.TEXT)
        response = SurveyResponse.objects.create(
            template=template,
            participant=pair.mentee,
            pair=pair,
            key="pulse:test",
            sent_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=30),
            answered_at=timezone.now(),
        )
        Answer.objects.create(response=response, question=question, text=written("survey comment"))
    member(organization, Role.HR_ADMIN)
    return {"pair": pair, "declined": declined, "goal": goal, "doomed": doomed}


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _rows(model):
    with unscoped("the test walks the admin as platform staff do"):
        return list(model._base_manager.all())


def _admin_urls():
    urls = [reverse("admin:index")]
    app_labels = {model._meta.app_label for model in admin.site._registry}
    urls += [reverse("admin:app_list", kwargs={"app_label": label}) for label in sorted(app_labels)]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        urls.append(reverse(f"{prefix}_changelist") + f"?q={SECRET[:6]}")  # the term itself is echoed
        try:
            urls.append(reverse(f"{prefix}_add"))
        except NoReverseMatch:
            pass
        for row in _rows(model):
            for view in ("change", "history", "delete"):
                urls.append(reverse(f"{prefix}_{view}", args=[row.pk]))
    return urls


def _bulk_delete_confirmations(client):
    for model in admin.site._registry:
        rows = _rows(model)
        if rows:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            yield (
                url,
                client.post(url, {"action": "delete_selected", "_selected_action": [row.pk for row in rows]}),
            )


def test_no_admin_page_shows_what_a_pair_wrote(staff_client, pair_content):
    doomed = pair_content["doomed"]
    delete_url = reverse("admin:mentoring_sessions_goal_delete", args=[doomed.pk])
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 302
    with unscoped("the test reads the admin's history"):
        assert not Goal._base_manager.filter(pk=doomed.pk).exists()
    assert LogEntry.objects.filter(content_type=get_content_type_for_model(Goal)).exists()

    pages = [(url, staff_client.get(url)) for url in _admin_urls()]
    pages += list(_bulk_delete_confirmations(staff_client))
    assert len(pages) > 40
    for url, response in pages:
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        assert SECRET not in response.content.decode(), f"{url} shows what a pair wrote"


def test_deleting_an_organisation_or_a_person_counts_the_pairs_rows_instead_of_listing_them(
    staff_client, organization, pair_content
):
    mentee = pair_content["pair"].mentee.user
    for url in (
        reverse("admin:organizations_organization_delete", args=[organization.pk]),
        reverse("admin:accounts_user_delete", args=[mentee.pk]),
    ):
        page = staff_client.get(url).content.decode()
        assert "Goals: 2" in page, url
        assert "Agenda items: 2" in page, url
        # Django names each cascaded row ("Goal: …", "Agenda item: …"): only the counts remain.
        assert "Goal: " not in page, url
        assert "Agenda item: " not in page, url


def test_the_admin_history_names_a_goal_by_its_number():
    goal = Goal(pk=12, title=written("goal"))
    assert str(goal) == "Goal #12"


def test_the_history_written_before_names_rows_only(db):
    migration = importlib.import_module("sessions.migrations.0004_admin_history_names_rows_only")
    entry = LogEntry.objects.create(
        content_type=get_content_type_for_model(Goal),
        object_id="7",
        object_repr=written("goal"),
        action_flag=3,
        user=UserFactory(is_staff=True),
    )
    migration.rename_history(django_apps, None)
    entry.refresh_from_db()
    assert entry.object_repr == "Goal #7"
