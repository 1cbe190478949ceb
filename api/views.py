"""The REST API's endpoints, under /api/v1/. Every request runs inside its key's organisation.

A key reaches its own organisation only: objects are read through the tenant-scoped managers, so an id
of another organisation is a 404 like a missing one. Each view names the scope each method needs.
"""

from contextlib import ExitStack

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboards import reports
from dashboards import selectors as dashboard_selectors
from dashboards.filters import DashboardFilters
from dashboards.forms import DashboardFilterForm
from organizations.tenancy import tenant_context
from programmes import imports
from programmes.models import Programme
from programmes.services import update_participant_record

from . import figures, selectors, serializers
from .scopes import Scope


class InKeyOrganization:
    """Runs the request inside the tenant context of the key's organisation, whatever happens in it."""

    required_scopes: dict[str, Scope] = {}
    filter_serializer_class: type[serializers.serializers.Serializer] | None = None

    def dispatch(self, request, *args, **kwargs):
        self._tenant = ExitStack()
        with self._tenant:
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._tenant.enter_context(tenant_context(request.auth.organization))

    def list_filters(self):
        if self.filter_serializer_class is None or getattr(self, "action", "list") != "list":
            return {}
        return read_query(self.request, self.filter_serializer_class)


# What every list takes besides its filters: DRF's cursor pagination reads them.
PAGING = {"cursor", "page_size"}


def read_query(request, serializer_class, *, extra=PAGING):
    """The query string, checked strictly: an unknown, repeated or empty parameter is a 400 problem.

    A misspelt filter silently ignored would hand a report the whole organisation's rows.
    """
    serializer = serializer_class(data={})
    known = set(serializer.fields) | extra
    errors = {}
    for name in request.query_params:
        if name not in known:
            errors[name] = [_("Unknown parameter: use %(names)s.") % {"names": ", ".join(sorted(known))}]
        elif len(request.query_params.getlist(name)) > 1:
            errors[name] = [_("Give this parameter once.")]
        elif request.query_params[name] == "":
            errors[name] = [_("This parameter is empty: leave it out or give it a value.")]
    if errors:
        raise ValidationError(errors)
    # A plain dict, not the QueryDict: DRF would read an empty form value as "not given".
    serializer = serializer_class(
        data={name: request.query_params[name] for name in serializer.fields if name in request.query_params}
    )
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ReadOnlyResource(InKeyOrganization, viewsets.ReadOnlyModelViewSet):
    selector = None

    def get_queryset(self):
        return type(self).selector(self.list_filters())


@extend_schema_view(
    list=extend_schema(parameters=[serializers.ListFilterSerializer], summary="List programmes"),
    retrieve=extend_schema(summary="One programme"),
)
class ProgrammeViewSet(ReadOnlyResource):
    """Programmes; a period keeps those that run at some point within it."""

    serializer_class = serializers.ProgrammeSerializer
    required_scopes = {"GET": Scope.READ_PROGRAMMES}
    filter_serializer_class = serializers.ListFilterSerializer
    lookup_url_kwarg = "programme_id"
    selector = staticmethod(selectors.programmes)


@extend_schema_view(
    list=extend_schema(
        parameters=[serializers.ParticipantFilterSerializer],
        summary="List participants",
        description="A period keeps the participants added to a programme within it.",
    ),
    retrieve=extend_schema(summary="One participant"),
    create=extend_schema(
        summary="Add a participant",
        description=(
            "The same checks and effects as HR's “add a person” and the spreadsheet import: the person is "
            "added or their details updated, and invited when they do not yet hold the role."
        ),
        request=serializers.ParticipantCreateSerializer,
        responses={201: serializers.ParticipantSerializer, 200: serializers.ParticipantSerializer},
    ),
    partial_update=extend_schema(
        summary="Correct a participant's names or profile",
        request=serializers.ParticipantUpdateSerializer,
        responses={200: serializers.ParticipantSerializer},
    ),
)
class ParticipantViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyResource):
    serializer_class = serializers.ParticipantSerializer
    required_scopes = {
        "GET": Scope.READ_PARTICIPANTS,
        "POST": Scope.WRITE_PARTICIPANTS,
        "PATCH": Scope.WRITE_PARTICIPANTS,
    }
    filter_serializer_class = serializers.ParticipantFilterSerializer
    lookup_url_kwarg = "participant_id"
    selector = staticmethod(selectors.participants)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request, *args, **kwargs):
        incoming = serializers.ParticipantCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        programme = Programme.objects.filter(pk=incoming.validated_data["programme"]).first()
        if programme is None:
            raise ValidationError({"programme": [_("The organisation has no programme with this id.")]})
        key = request.auth
        values = incoming.import_values()
        try:
            with transaction.atomic():
                result = imports.add_person(programme=programme, values=values, invited_by=key.created_by)
        except DjangoValidationError as error:
            raise ValidationError({"non_field_errors": error.messages}) from None
        participant = selectors.participants().get(programme=programme, user__email=values["email"].lower())
        # The import service records the event (its actor is the key: organizations.audit).
        return Response(
            self.get_serializer(participant).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )

    def partial_update(self, request, *args, **kwargs):
        participant = self.get_object()
        incoming = serializers.ParticipantUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        person = participant.person
        current = {
            "first_name": person.first_name if person else "",
            "last_name": person.last_name if person else "",
            "department": participant.department,
            "job_title": participant.job_title,
            "location": participant.location,
        }
        try:
            update_participant_record(participant=participant, **{**current, **incoming.validated_data})
        except DjangoValidationError as error:
            raise ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from None
        return Response(self.get_serializer(selectors.participants().get(pk=participant.pk)).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(
        parameters=[serializers.PairFilterSerializer],
        summary="List pairs",
        description="Metadata only. A period keeps the pairs proposed within it.",
    ),
    retrieve=extend_schema(summary="One pair"),
)
class PairViewSet(ReadOnlyResource):
    serializer_class = serializers.PairSerializer
    required_scopes = {"GET": Scope.READ_PAIRS}
    filter_serializer_class = serializers.PairFilterSerializer
    lookup_url_kwarg = "pair_id"
    selector = staticmethod(selectors.pairs)


@extend_schema_view(
    list=extend_schema(
        parameters=[serializers.SessionFilterSerializer],
        summary="List sessions",
        description="Dates and status only. A period keeps the sessions that start within it.",
    ),
    retrieve=extend_schema(summary="One session"),
)
class SessionViewSet(ReadOnlyResource):
    serializer_class = serializers.SessionSerializer
    required_scopes = {"GET": Scope.READ_PAIRS}
    filter_serializer_class = serializers.SessionFilterSerializer
    lookup_url_kwarg = "session_id"
    selector = staticmethod(selectors.sessions)


@extend_schema_view(
    list=extend_schema(
        parameters=[serializers.GoalFilterSerializer],
        summary="List goals' progress",
        description="Progress counts and the latest point, never a goal's title or notes.",
    ),
    retrieve=extend_schema(summary="One goal's progress"),
)
class GoalViewSet(ReadOnlyResource):
    serializer_class = serializers.GoalSerializer
    required_scopes = {"GET": Scope.READ_PAIRS}
    filter_serializer_class = serializers.GoalFilterSerializer
    lookup_url_kwarg = "goal_id"
    selector = staticmethod(selectors.goals)


class FiguresView(InKeyOrganization, APIView):
    """The dashboard's figures, computed (and cached) by the dashboard itself, hidden under its threshold."""

    required_scopes = {"GET": Scope.READ_FIGURES}

    @extend_schema(
        summary="Dashboard figures and survey aggregates",
        parameters=[serializers.FiguresFilterSerializer],
        responses={200: serializers.FiguresSerializer},
    )
    def get(self, request):
        read_query(request, serializers.FiguresFilterSerializer, extra=set())
        options = dashboard_selectors.filter_options()
        form = DashboardFilterForm(request.query_params, options=options)
        if not form.is_valid():
            # A programme, round or department the organisation does not have: like an id of another
            # organisation, nothing by that name here.
            if set(form.errors) & {"programme", "round", "department"}:
                raise NotFound(
                    _("The organisation has no programme, round or department by this id or name.")
                )
            raise ValidationError({field: list(messages) for field, messages in form.errors.items()})
        organization = request.auth.organization
        filters = DashboardFilters.default(organization, **form.chosen())
        board = reports.build(organization=organization, filters=filters, options=options)
        return Response(figures.as_json(board))
