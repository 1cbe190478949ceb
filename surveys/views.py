from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.access import organization_view
from organizations.models import Organization
from organizations.roles import Capability
from organizations.tenancy import tenant_context

from . import selectors, services
from .forms import AnswerForm, QuestionForm
from .models import SurveyResponse
from .tokens import read_response_token


@organization_view(Capability.MANAGE_PROGRAMMES)
def rates(request):
    templates = list(selectors.templates_with_rates())
    for template in templates:
        template.rate = selectors.response_rate(template)
    return render(request, "surveys/rates.html", {"templates": templates})


@organization_view(Capability.MANAGE_PROGRAMMES)
def template_detail(request, template_id):
    template = selectors.access_template(request.member, template_id)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_question(
                template=template,
                text=form.cleaned_data["text"],
                text_en=form.cleaned_data["text_en"],
                type=form.cleaned_data["type"],
                choices=form.cleaned_data["choices"].splitlines(),
                required=form.cleaned_data["required"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Question added."))
            return redirect("survey_template", org_slug=request.organization.slug, template_id=template.pk)
    results = selectors.question_results(template, minimum_group_size=request.organization.minimum_group_size)
    return render(request, "surveys/template.html", {"template": template, "results": results, "form": form})


def _invalid(request, reason, status, withdrawn=False):
    return render(
        request, "surveys/link_invalid.html", {"reason": reason, "withdrawn": withdrawn}, status=status
    )


def answer(request, token):
    """The link in the survey e-mail: no password, one answer per person and survey."""
    try:
        decoded = read_response_token(token)
    except signing.SignatureExpired:
        return _invalid(request, _("This survey link has expired."), 410)
    organization = Organization.objects.filter(pk=decoded[0]).first() if decoded else None
    if organization is None:
        return _invalid(request, _("This survey link is not valid."), 404)
    with tenant_context(organization):
        response = (
            SurveyResponse.objects.filter(pk=decoded[1])
            .select_related("template", "participant__user", "pair")
            .first()
        )
        if response is None:
            return _invalid(request, _("This survey link is not valid."), 404)
        if not selectors.recipient_has_access(response):
            return _invalid(
                request,
                _("This survey link was withdrawn: your access to the programme has ended."),
                410,
                withdrawn=True,
            )
        if response.answered_at is not None:
            return render(request, "surveys/answered.html", {"organization": organization, "already": True})
        if response.expires_at <= timezone.now():
            return _invalid(request, _("This survey link has expired."), 410)
        questions = list(response.template.questions.all())
        form = AnswerForm(request.POST or None, questions=questions, skills=selectors.skills_for(response))
        if request.method == "POST" and form.is_valid():
            try:
                services.submit_answers(response=response, answers=form.answers())
            except services.AlreadyAnswered:
                return render(
                    request, "surveys/answered.html", {"organization": organization, "already": True}
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return render(
                    request, "surveys/answered.html", {"organization": organization, "already": False}
                )
        return render(
            request, "surveys/answer.html", {"organization": organization, "response": response, "form": form}
        )
