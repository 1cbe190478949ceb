from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from organizations.access import organization_view
from organizations.models import Organization
from organizations.roles import Capability
from organizations.tenancy import tenant_context
from programmes.models import Phase

from . import selectors, services
from .forms import AnswerForm, PreviewLanguageForm, QuestionForm, TemplateForm
from .models import SurveyResponse
from .tokens import read_response_token


@organization_view(Capability.MANAGE_PROGRAMMES)
def rates(request):
    # A programme with a cross phase has a second set of surveys: HR picks which phase's to build.
    phase = request.GET.get("phase")
    if phase not in Phase.values:
        phase = None
    templates = list(selectors.templates_with_rates(phase))
    for template in templates:
        template.rate = selectors.response_rate(template)
    with_cross = phase is not None or any(template.programme.cross_phase for template in templates)
    return render(
        request,
        "surveys/rates.html",
        {"templates": templates, "phase": phase, "phases": Phase.choices, "with_cross": with_cross},
    )


def _builder_url(request, template, **query):
    url = reverse(
        "survey_template", kwargs={"org_slug": request.organization.slug, "template_id": template.pk}
    )
    return f"{url}?{urlencode(query)}" if query else url


def _done(request, change, message):
    """Say what happened, and that a new version started when one did; back to the builder."""
    if change.new_version:
        messages.info(
            request,
            _(
                "Version %(number)s of the survey started: the answers already given stay with version "
                "%(previous)s and its wording."
            )
            % {"number": change.template.version, "previous": change.template.version - 1},
        )
    messages.success(request, message)
    return redirect(_builder_url(request, change.template))


@organization_view(Capability.MANAGE_PROGRAMMES)
def template_detail(request, template_id):
    """The survey builder: the current version's questions with their results, the versions, and the
    form to add a question; ``?version=N`` shows an earlier version, read-only, with its results."""
    template = selectors.access_template(request.member, template_id)
    versions = list(selectors.versions_with_counts(template))
    shown = next((v for v in versions if str(v.number) == request.GET.get("version")), versions[0])
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.add_question(
                template=template, by=request.user, request=request, **form.service_kwargs()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, change, _("Question added."))
    results = selectors.question_results(
        template, minimum_group_size=request.organization.minimum_group_size, version=shown.number
    )
    return render(
        request,
        "surveys/template.html",
        {
            "template": template,
            "versions": versions,
            "shown": shown,
            "editable": shown.number == template.version,
            "results": results,
            "form": form,
        },
    )


@organization_view(Capability.MANAGE_PROGRAMMES)
def template_edit(request, template_id):
    template = selectors.access_template(request.member, template_id)
    form = TemplateForm(
        request.POST or None,
        initial={
            name: getattr(template, name) for name in ("title", "title_en", "introduction", "introduction_en")
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = services.update_template(
                template=template, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, change, _("Survey saved."))
    return render(request, "surveys/template_edit.html", {"template": template, "form": form})


@organization_view(Capability.MANAGE_PROGRAMMES)
def question_edit(request, template_id, question_id):
    template = selectors.access_template(request.member, template_id)
    question = selectors.access_question(template, question_id)
    if question.version != template.version:
        messages.error(
            request, _("This question belongs to an earlier version, which stays as it was asked.")
        )
        return redirect(_builder_url(request, template))
    form = QuestionForm.for_question(question, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.update_question(
                question=question, by=request.user, request=request, **form.service_kwargs()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, change, _("Question saved."))
    return render(
        request,
        "surveys/question_edit.html",
        {
            "template": template,
            "question": question,
            "form": form,
            "answered": services.version_is_answered(template),
        },
    )


def _question_action(request, template_id, question_id, action, message):
    template = selectors.access_template(request.member, template_id)
    question = selectors.access_question(template, question_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        change = action(question)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_builder_url(request, template))
    return _done(request, change, message)


@organization_view(Capability.MANAGE_PROGRAMMES)
def question_move(request, template_id, question_id):
    up = request.POST.get("direction") != "down"
    return _question_action(
        request,
        template_id,
        question_id,
        lambda question: services.move_question(question=question, up=up, by=request.user, request=request),
        _("Question moved up.") if up else _("Question moved down."),
    )


@organization_view(Capability.MANAGE_PROGRAMMES)
def question_duplicate(request, template_id, question_id):
    return _question_action(
        request,
        template_id,
        question_id,
        lambda question: services.duplicate_question(question=question, by=request.user, request=request),
        _("Question duplicated: the copy is right below it."),
    )


@organization_view(Capability.MANAGE_PROGRAMMES)
def question_delete(request, template_id, question_id):
    """A confirmation page, then the deletion (from a new version if the survey has answers)."""
    template = selectors.access_template(request.member, template_id)
    question = selectors.access_question(template, question_id)
    if request.method == "POST":
        return _question_action(
            request,
            template_id,
            question_id,
            lambda question: services.delete_question(question=question, by=request.user, request=request),
            _("Question deleted."),
        )
    if question.version != template.version:
        return redirect(_builder_url(request, template))
    return render(
        request,
        "surveys/question_delete.html",
        {"template": template, "question": question, "answered": services.version_is_answered(template)},
    )


@organization_view(Capability.MANAGE_PROGRAMMES)
def preview(request, template_id):
    """The survey as a respondent reads it, in French or English; answers are checked, never recorded."""
    template = selectors.access_template(request.member, template_id)
    chooser = PreviewLanguageForm(request.GET or None)
    language = (chooser.is_valid() and chooser.cleaned_data["language"]) or translation.get_language()
    language = "en" if language.startswith("en") else "fr"
    questions = list(selectors.questions_of(template))
    skills = selectors.programme_skills(template.programme)
    with translation.override(language):
        form = AnswerForm(request.POST or None, questions=questions, skills=skills, version=template.version)
        checked = request.method == "POST" and form.is_valid()
    return render(
        request,
        "surveys/preview.html",
        {
            "template": template,
            "form": form,
            "chooser": chooser,
            "language": language,
            "checked": checked,
            "skills": skills,
        },
    )


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
        template = response.template
        questions = list(selectors.questions_of(template))
        skills = selectors.skills_for(response)
        asked = {
            "questions": questions,
            "skills": skills,
            "mentee_skills": selectors.mentee_skills_for(response, skills),
            "version": template.version,
        }
        form = AnswerForm(request.POST or None, **asked)
        outdated = form.outdated
        if outdated:
            # Answers given to wording the survey no longer asks are not stored under the new wording.
            form = AnswerForm(**asked)
        elif request.method == "POST" and form.is_valid():
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
            request,
            "surveys/answer.html",
            {"organization": organization, "response": response, "form": form, "outdated": outdated},
        )
