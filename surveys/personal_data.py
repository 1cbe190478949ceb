"""What surveys hold about a person: their own responses (nobody else's answers are ever read)."""

from django.db.models import Prefetch

from accounts import privacy

from .models import Answer, Question, SurveyResponse


@privacy.export("survey_responses", position=60, covers=[SurveyResponse, Answer])
def _responses(user):
    # Responses of the person's own participations only; nobody else's answers are read.
    responses = (
        SurveyResponse.objects.filter(participant__user=user)
        .select_related("template__programme")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("question", "skill").order_by(
                    "question__position", "question_id", "pk"
                ),
            )
        )
        .order_by("sent_at", "pk")
    )
    return list(responses), _response


def _response(response):
    template = response.template
    return {
        "survey": template.title,
        "programme": template.programme.name,
        "moment": template.moment,
        # The wording answered: the questions below are those of this version of the survey.
        "version": response.version,
        "sent_at": response.sent_at,
        "answered_at": response.answered_at,
        "answers": [
            {
                "question": answer.question.text,
                "skill": answer.skill.name if answer.skill else None,
                "number": answer.number,
                "text": answer.text,
                "shared_anonymously": answer.shared_anonymously,
            }
            for answer in response.answers.all()
        ],
    }


@privacy.erase
def _delete_free_text_answers(*, user, now):
    # Numeric and choice answers stay in the aggregates; free text could say who wrote it.
    Answer.objects.filter(response__participant__user=user, question__type=Question.Type.TEXT).delete()
