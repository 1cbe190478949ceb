"""What the API shows of each object: metadata and figures, never a pair's private words.

Sessions carry dates and status only (no topics, notes, agenda or location); pairs no end or decline
reason; goals no title or description; participants the organisation's record of the person and the
programme profile's department, job title and location, never what they hope for or their availability.
"""

from rest_framework import serializers

from pairing.models import Pair
from programmes.models import Participant, Programme
from sessions.models import Goal, Session

MAX_ID = 2**31 - 1


class ListFilterSerializer(serializers.Serializer):
    """The query string every list takes: a programme and a period (inclusive dates)."""

    programme = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only this programme's rows (its id)."
    )
    date_from = serializers.DateField(required=False, help_text="From this day (inclusive, YYYY-MM-DD).")
    date_to = serializers.DateField(
        required=False,
        help_text="Up to this day (inclusive, YYYY-MM-DD). Before date_from: nothing is listed.",
    )


class ParticipantFilterSerializer(ListFilterSerializer):
    role = serializers.ChoiceField(choices=Participant.Role.choices, required=False)
    status = serializers.ChoiceField(choices=Participant.Status.choices, required=False)


class PairFilterSerializer(ListFilterSerializer):
    status = serializers.ChoiceField(choices=Pair.Status.choices, required=False)


class SessionFilterSerializer(ListFilterSerializer):
    pair = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only this pair's."
    )
    status = serializers.ChoiceField(choices=Session.Status.choices, required=False)


class GoalFilterSerializer(ListFilterSerializer):
    pair = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only this pair's."
    )


class ProgrammeSerializer(serializers.ModelSerializer):
    participants_enrolled = serializers.IntegerField(read_only=True, help_text="Enrolled participants.")
    pairs_active = serializers.IntegerField(read_only=True, help_text="Pairs currently active.")

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "status",
            "start_date",
            "end_date",
            "session_min_minutes",
            "session_max_minutes",
            "cadence_days",
            "rotation_months",
            "mentor_capacity",
            "participants_enrolled",
            "pairs_active",
            "created_at",
        ]
        read_only_fields = fields


class ParticipantSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    first_name = serializers.SerializerMethodField()
    last_name = serializers.SerializerMethodField()
    manager_email = serializers.SerializerMethodField()

    class Meta:
        model = Participant
        fields = [
            "id",
            "programme",
            "email",
            "first_name",
            "last_name",
            "role",
            "status",
            "department",
            "job_title",
            "location",
            "languages",
            "time_zone",
            "manager_email",
            "enrolled_at",
            "withdrawn_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_first_name(self, participant) -> str:
        return participant.person.first_name if participant.person else ""

    def get_last_name(self, participant) -> str:
        return participant.person.last_name if participant.person else ""

    def get_manager_email(self, participant) -> str | None:
        return participant.manager.email if participant.manager else None


class SkillLevelSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="The skill's French or English name.")
    level = serializers.IntegerField(min_value=1, max_value=3)


class ParticipantCreateSerializer(serializers.Serializer):
    """What HR's "add a person" form takes, checked by the same rules as an import row."""

    programme = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    email = serializers.CharField(max_length=254)
    role = serializers.ChoiceField(choices=Participant.Role.choices)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    department = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    job_title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    location = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    languages = serializers.ListField(
        child=serializers.CharField(max_length=2), required=False, default=list, max_length=20
    )
    interests = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, default=list, max_length=50
    )
    manager_email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    time_zone = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    skills = SkillLevelSerializer(many=True, required=False, default=list, max_length=50)

    def import_values(self):
        """The row as the import reads it (lists joined as a spreadsheet cell would hold them)."""
        data = self.validated_data
        values = {
            name: data[name]
            for name in ("email", "role", "first_name", "last_name", "department", "job_title", "location")
        }
        values.update(
            languages=", ".join(data["languages"]),
            interests=", ".join(data["interests"]),
            manager_email=data["manager_email"],
            time_zone=data["time_zone"],
            skills="; ".join(f"{skill['name']}:{skill['level']}" for skill in data["skills"]),
        )
        return values


class ParticipantUpdateSerializer(serializers.Serializer):
    """What HR corrects on a participant's page: the organisation's names and the programme profile."""

    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    department = serializers.CharField(max_length=120, required=False, allow_blank=True)
    job_title = serializers.CharField(max_length=120, required=False, allow_blank=True)
    location = serializers.CharField(max_length=120, required=False, allow_blank=True)


class PairSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pair
        fields = [
            "id",
            "programme",
            "matching_round",
            "mentor",
            "mentee",
            "status",
            "created_at",
            "started_at",
            "ended_at",
        ]
        read_only_fields = fields


class SessionSerializer(serializers.ModelSerializer):
    programme = serializers.IntegerField(source="pair.programme_id", read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "pair",
            "programme",
            "starts_at",
            "duration_minutes",
            "status",
            "cancelled_at",
            "logged_at",
        ]
        read_only_fields = fields


class GoalSerializer(serializers.ModelSerializer):
    programme = serializers.IntegerField(source="pair.programme_id", read_only=True)
    progress_points = serializers.IntegerField(read_only=True, help_text="Progress entries recorded.")
    latest_percent = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The latest progress, in percent (a level counts 20 % each).",
    )

    class Meta:
        model = Goal
        fields = [
            "id",
            "pair",
            "programme",
            "objective",
            "scale",
            "target_date",
            "created_at",
            "progress_points",
            "latest_percent",
        ]
        read_only_fields = fields


class FigureSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True, help_text="Null when hidden.")
    hidden = serializers.BooleanField(help_text="Computed over fewer people than the organisation's minimum.")


class FiguresFilterSerializer(serializers.Serializer):
    programme = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    round = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    department = serializers.CharField(required=False, max_length=120)
    start = serializers.DateField(required=False, help_text="First day of the period (12 months by default).")
    end = serializers.DateField(required=False, help_text="Last day of the period (today by default).")


class FiguresSerializer(serializers.Serializer):
    """The dashboard's figures for the filters, as the dashboard computes and hides them."""

    start = serializers.DateField()
    end = serializers.DateField()
    programme = serializers.IntegerField(allow_null=True)
    round = serializers.IntegerField(allow_null=True)
    department = serializers.CharField(allow_blank=True)
    minimum_group_size = serializers.IntegerField()
    computed_at = serializers.DateTimeField()
    participation = serializers.DictField(child=FigureSerializer())
    pairs = serializers.DictField(child=FigureSerializer())
    sessions = serializers.DictField(child=FigureSerializer())
    months = serializers.ListField(child=serializers.DictField())
    goals = serializers.DictField(help_text="Goal progress: average and distribution.")
    surveys = serializers.DictField(
        help_text=(
            "Survey aggregates: skills gained, skills before and after (self and mentor ratings, mean "
            "change with its 95% interval, share improved, gap), practices adopted, satisfaction, NPS, "
            "response rates."
        )
    )
