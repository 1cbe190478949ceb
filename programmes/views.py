from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mentoring import spreadsheets
from mentoring.downloads import private_download
from mentoring.l10n import pick
from organizations import audit, pagecache, uploads
from organizations.access import organization_view
from organizations.audit import Action, audited_download
from organizations.roles import Capability, Role

from . import imports, outcomes, selectors, services
from .access import (
    access_import,
    access_module,
    access_own_participation,
    access_participant,
    access_programme,
    access_resource,
    access_skill,
)
from .curriculum import DEFAULT_CURRICULUM
from .forms import (
    AVAILABILITY_CHOICES,
    AddPersonForm,
    DuplicateForm,
    EnrolmentForm,
    ImportForm,
    MentorOutcomeForm,
    ModuleForm,
    OutcomeBaselineForm,
    OutcomeImportForm,
    ParticipantRecordForm,
    ProfileForm,
    ProgrammeForm,
    ResourceForm,
    SkillForm,
)
from .models import CurriculumModule, OutcomeBaseline, Participant, Programme, Skill

PARTICIPANTS_PER_PAGE = 50
PREVIEW_ROWS = 200
AVAILABILITY_LABELS = dict(AVAILABILITY_CHOICES)


def _to(request, name, programme, **kwargs):
    return redirect(name, org_slug=request.organization.slug, programme_id=programme.pk, **kwargs)


def _error_text(error):
    return " ".join(error.messages)


# HR: programmes -----------------------------------------------------------------------------------------


@organization_view(Capability.MANAGE_PROGRAMMES)
def programme_list(request):
    return render(
        request, "programmes/programme_list.html", {"programmes": selectors.programmes_with_counts()}
    )


def _programme_form(request, programme, template):
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.save_programme(
                programme=form.save(commit=False),
                objectives=form.cleaned_data["objectives"],
                new_objectives=form.new_objective_names(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Programme saved."))
            return _to(request, "programme_overview", programme)
    return render(request, template, {"form": form, "programme": programme})


@organization_view(Capability.MANAGE_PROGRAMMES)
def programme_create(request):
    services.ensure_default_taxonomy(request.organization)
    return _programme_form(request, Programme(), "programmes/programme_form.html")


@organization_view(Capability.MANAGE_PROGRAMMES)
def programme_edit(request, programme_id):
    programme = access_programme(request.member, programme_id)
    return _programme_form(request, programme, "programmes/programme_form.html")


@organization_view(Capability.MANAGE_PROGRAMMES)
def programme_overview(request, programme_id):
    programme = access_programme(request.member, programme_id)
    transitions = [
        {
            "status": status,
            "label": Programme.Status(status).label,
            "refusal": services.transition_refusal(programme, status),
        }
        for status in services.TRANSITIONS[programme.status]
    ]
    return render(
        request,
        "programmes/programme_overview.html",
        {
            "programme": programme,
            "counts": selectors.programme_counts(programme=programme),
            "transitions": transitions,
            "objectives": programme.objectives.all(),
            "resources": selectors.resources_for(programme=programme),
            "imports": programme.imports.all()[:5],
        },
    )


@organization_view(Capability.MANAGE_PROGRAMMES)
@require_POST
def programme_transition(request, programme_id):
    programme = access_programme(request.member, programme_id)
    try:
        programme = services.transition_programme(
            programme=programme, to_status=request.POST.get("status", "")
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("The programme is now “%(status)s”.") % {"status": programme.get_status_display()}
        )
    return _to(request, "programme_overview", programme)


@organization_view(Capability.MANAGE_PROGRAMMES)
def programme_duplicate(request, programme_id):
    programme = access_programme(request.member, programme_id)
    form = DuplicateForm(
        request.POST or None, initial={"name": _("%(name)s (next cohort)") % {"name": programme.name}}
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.duplicate_programme(programme=programme, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Programme duplicated: review it, then open enrolment."))
            return _to(request, "programme_edit", copy)
    return render(request, "programmes/programme_duplicate.html", {"form": form, "programme": programme})


@organization_view(Capability.MANAGE_PROGRAMMES)
def programme_resources(request, programme_id):
    programme = access_programme(request.member, programme_id)
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_resource(programme=programme, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Resource added."))
            return _to(request, "programme_resources", programme)
    return render(
        request,
        "programmes/programme_resources.html",
        {"programme": programme, "form": form, "resources": selectors.resources_for(programme=programme)},
    )


@organization_view(Capability.MANAGE_PROGRAMMES)
@require_POST
def resource_delete(request, programme_id, resource_id):
    programme = access_programme(request.member, programme_id)
    resource = access_resource(request.member, programme.pk, resource_id)
    services.delete_resource(resource=resource)
    messages.success(request, _("Resource removed."))
    return _to(request, "programme_resources", programme)


# HR: the curriculum ---------------------------------------------------------------------------------------


@organization_view(Capability.MANAGE_PROGRAMMES)
def curriculum(request, programme_id):
    programme = access_programme(request.member, programme_id)
    return render(
        request,
        "programmes/curriculum.html",
        {
            "programme": programme,
            "modules": selectors.curriculum_of(programme=programme),
            "default_titles": [pick(module["title"], module["title_en"]) for module in DEFAULT_CURRICULUM],
        },
    )


@organization_view(Capability.MANAGE_PROGRAMMES)
@require_POST
def curriculum_copy_default(request, programme_id):
    programme = access_programme(request.member, programme_id)
    modules = services.copy_default_curriculum(programme=programme)
    messages.success(
        request,
        ngettext(
            "%(count)s module copied from the default curriculum: adapt it to your programme.",
            "%(count)s modules copied from the default curriculum: adapt them to your programme.",
            len(modules),
        )
        % {"count": len(modules)},
    )
    return _to(request, "curriculum", programme)


def _module_form(request, programme, module):
    form = ModuleForm(request.POST or None, instance=module)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_module(module=form.save(commit=False), programme=programme)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Module saved."))
            return _to(request, "curriculum", programme)
    return render(
        request, "programmes/module_form.html", {"programme": programme, "form": form, "module": module}
    )


@organization_view(Capability.MANAGE_PROGRAMMES)
def module_create(request, programme_id):
    programme = access_programme(request.member, programme_id)
    return _module_form(request, programme, CurriculumModule(programme=programme))


@organization_view(Capability.MANAGE_PROGRAMMES)
def module_edit(request, programme_id, module_id):
    programme = access_programme(request.member, programme_id)
    return _module_form(request, programme, access_module(request.member, programme, module_id))


@organization_view(Capability.MANAGE_PROGRAMMES)
@require_POST
def module_move(request, programme_id, module_id):
    programme = access_programme(request.member, programme_id)
    module = access_module(request.member, programme, module_id)
    services.move_module(module=module, offset=-1 if request.POST.get("direction") == "up" else 1)
    return _to(request, "curriculum", programme)


@organization_view(Capability.MANAGE_PROGRAMMES)
@require_POST
def module_duplicate(request, programme_id, module_id):
    programme = access_programme(request.member, programme_id)
    copy = services.duplicate_module(module=access_module(request.member, programme, module_id))
    messages.success(request, _("Module duplicated: edit the copy."))
    return _to(request, "module_edit", programme, module_id=copy.pk)


@organization_view(Capability.MANAGE_PROGRAMMES)
@require_POST
def module_delete(request, programme_id, module_id):
    programme = access_programme(request.member, programme_id)
    services.delete_module(module=access_module(request.member, programme, module_id))
    messages.success(request, _("Module removed."))
    return _to(request, "curriculum", programme)


# HR: participants ---------------------------------------------------------------------------------------


@organization_view(Capability.MANAGE_PROGRAMMES)
def participant_list(request, programme_id):
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("search", "role", "status", "department", "preparation")
    }
    query = request.GET.copy()
    query.pop("page", None)
    # The list's content is kept per reader, filters and page until the organisation's rows are written
    # (organizations/pagecache.py: the participants, their people and skills, the programme).
    # access_programme, in the context, reads the reader's role and the programme, both of the
    # organisation's scope: what was kept for this reader was drawn after it let them in.
    content = pagecache.cached_content(
        request,
        name="participant_list",
        scopes=(pagecache.organization(request.organization.pk),),
        template_name="programmes/_participant_list_content.html",
        context=lambda: _participant_list_context(
            request, access_programme(request.member, programme_id), filters, query
        ),
        # Every parameter, not only the filters and page: the pagination links carry the query on.
        vary=(programme_id, sorted(request.GET.lists())),
        keep=("programme_name",),
    )
    return render(
        request,
        "programmes/participant_list.html",
        {"programme_name": content.values["programme_name"], "content": content.html},
    )


def _participant_list_context(request, programme, filters, query):
    participants = selectors.listed_participants(programme=programme, **filters)
    page = Paginator(participants, PARTICIPANTS_PER_PAGE).get_page(request.GET.get("page"))
    # Each row's role and status labels looked up once for the page (get_FOO_display() builds its
    # choices' dictionary at every call, twice a row), and its skills written as one text ("Python (3),
    # SQL (2)", escaped by the template like any text) rather than a loop of nodes in every row.
    roles, statuses = dict(Participant.Role.choices), dict(Participant.Status.choices)
    for participant in page:
        participant.role_label = roles.get(participant.role, participant.role)
        participant.status_label = statuses.get(participant.status, participant.status)
        participant.skills_text = ", ".join(
            f"{item.skill} ({item.level})" for item in participant.listed_skills
        )
    return {
        "programme": programme,
        "programme_name": programme.name,
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "roles": Participant.Role.choices,
        "statuses": Participant.Status.choices,
        "departments": selectors.departments(programme=programme),
        "preparations": [("done", _("Done")), ("pending", _("Not finished"))],
    }


def _record_participant_viewed(request, participant):
    audit.record(
        Action.PARTICIPANT_VIEWED,
        organization=request.organization,
        actor=request.user,
        target=participant,
        target_label=participant.user.email,
        details={"programme": participant.programme.name, "programme_id": participant.programme_id},
        request=request,
    )


@organization_view(Capability.MANAGE_PROGRAMMES)
def participant_detail(request, programme_id, participant_id):
    programme = access_programme(request.member, programme_id)
    participant = access_participant(request.member, programme, participant_id)
    _record_participant_viewed(request, participant)
    return render(
        request,
        "programmes/participant_detail.html",
        {
            "programme": programme,
            "participant": participant,
            "skills": participant.skills.select_related("skill").order_by("-level", "skill__name"),
            "availability": [AVAILABILITY_LABELS.get(slot, slot) for slot in participant.availability],
        },
    )


@organization_view(Capability.MANAGE_PROGRAMMES)
def participant_edit(request, programme_id, participant_id):
    programme = access_programme(request.member, programme_id)
    participant = access_participant(request.member, programme, participant_id)
    form = ParticipantRecordForm.for_participant(participant, request.POST or None)
    if request.method != "POST":
        _record_participant_viewed(request, participant)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_participant_record(participant=participant, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The details are saved."))
            return _to(request, "participant_detail", programme, participant_id=participant.pk)
    return render(
        request,
        "programmes/participant_edit.html",
        {"programme": programme, "participant": participant, "form": form},
    )


@organization_view(Capability.MANAGE_PROGRAMMES)
@require_POST
def participant_withdraw(request, programme_id, participant_id):
    """HR records a withdrawal on someone's behalf (they told HR rather than clicking themselves)."""
    programme = access_programme(request.member, programme_id)
    participant = access_participant(request.member, programme, participant_id)
    try:
        services.withdraw(participant=participant)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("%(name)s is withdrawn from %(programme)s; their pairs have ended.")
            % {
                "name": participant.user.get_full_name() or participant.user.email,
                "programme": programme.name,
            },
        )
    return _to(request, "participant_detail", programme, participant_id=participant.pk)


@organization_view(Capability.MANAGE_PROGRAMMES)
def participant_add(request, programme_id):
    programme = access_programme(request.member, programme_id)
    form = AddPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = imports.add_person(
                programme=programme, values=form.import_values(), invited_by=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if result.created:
                text = _("%(email)s is added to the programme.")
            else:
                text = _("%(email)s was already in the programme: their details are updated.")
            if result.invitations:
                text = " ".join([text, _("An invitation is on its way.")])
            messages.success(request, text % {"email": form.cleaned_data["email"]})
            return _to(request, "participant_list", programme)
    return render(request, "programmes/participant_add.html", {"programme": programme, "form": form})


@organization_view(Capability.MANAGE_PROGRAMMES)
def participant_import(request, programme_id):
    programme = access_programme(request.member, programme_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            participant_import = imports.prepare_import(
                programme=programme, upload=form.cleaned_data["file"], uploaded_by=request.user
            )
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return _to(request, "participant_import_preview", programme, import_id=participant_import.pk)
    return render(
        request,
        "programmes/participant_import.html",
        {
            "programme": programme,
            "form": form,
            "columns": imports.COLUMNS,
            "max_rows": spreadsheets.number(settings.IMPORT_MAX_ROWS),
            "max_megabytes": spreadsheets.megabytes(settings.IMPORT_MAX_UPLOAD_BYTES),
        },
    )


@organization_view(Capability.MANAGE_PROGRAMMES)
def participant_import_preview(request, programme_id, import_id):
    programme = access_programme(request.member, programme_id)
    participant_import = access_import(request.member, programme, import_id)
    if request.method == "POST":
        only_valid = request.POST.get("rows") == "valid"
        try:
            result = imports.apply_import(
                participant_import=participant_import, invited_by=request.user, only_valid=only_valid
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return _to(request, "participant_import_preview", programme, import_id=participant_import.pk)
        messages.success(
            request,
            _("Import done: %(created)s added, %(updated)s updated, %(invitations)s invitations sent.")
            % {"created": result.created, "updated": result.updated, "invitations": result.invitations},
        )
        if result.rejected:
            # Back to the preview, where the rows left out wait to be downloaded and fixed.
            return _to(request, "participant_import_preview", programme, import_id=participant_import.pk)
        return _to(request, "participant_list", programme)
    rows = participant_import.rows
    invalid = participant_import.invalid_rows
    shown = rows if len(rows) <= PREVIEW_ROWS else invalid[:PREVIEW_ROWS] or rows[:PREVIEW_ROWS]
    return render(
        request,
        "programmes/participant_import_preview.html",
        {
            "programme": programme,
            "participant_import": participant_import,
            "rows": shown,
            "total": len(rows),
            "invalid_count": len(invalid),
            "valid_count": len(rows) - len(invalid),
            "columns": imports.COLUMNS,
            "latin_1": participant_import.notice == imports.LATIN_1,
            "line_label": _("Row") if participant_import.sheet else _("Line"),
        },
    )


@organization_view(Capability.MANAGE_PROGRAMMES)
@private_download
@audited_download("rejected import rows")
def participant_import_rejected(request, programme_id, import_id):
    """The rows of an import that have errors, in the file's columns plus the errors, to fix and upload."""
    programme = access_programme(request.member, programme_id)
    participant_import = access_import(request.member, programme, import_id)
    stem = uploads.clean_filename(f"{participant_import.filename.rsplit('.', 1)[0]}-{_('errors')}")
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            imports.rejected_xlsx(participant_import),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = uploads.content_disposition(f"{stem}.xlsx")
    else:
        response = HttpResponse(
            imports.rejected_csv(participant_import), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = uploads.content_disposition(f"{stem}.csv")
    return response


@organization_view(Capability.MANAGE_PROGRAMMES)
@private_download
@audited_download("participants")
def participant_export(request, programme_id):
    programme = access_programme(request.member, programme_id)
    participants = selectors.participant_list(programme=programme)
    stem = f"participants-{programme.pk}"
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            imports.export_xlsx(participants),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    else:
        response = HttpResponse(imports.export_csv(participants), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response


# HR: skills ---------------------------------------------------------------------------------------------


@organization_view(Capability.MANAGE_PROGRAMMES)
def skill_list(request):
    services.ensure_default_taxonomy(request.organization)
    form = SkillForm(request.POST or None, instance=Skill())
    if request.method == "POST" and form.is_valid():
        try:
            services.save_skill(skill=form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Skill added."))
            return redirect("skill_list", org_slug=request.organization.slug)
    return render(request, "programmes/skill_list.html", {"skills": Skill.objects.all(), "form": form})


@organization_view(Capability.MANAGE_PROGRAMMES)
def skill_edit(request, skill_id):
    skill = access_skill(request.member, skill_id)
    form = SkillForm(request.POST or None, instance=skill)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_skill(skill=form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Skill saved."))
            return redirect("skill_list", org_slug=request.organization.slug)
    return render(request, "programmes/skill_edit.html", {"skill": skill, "form": form})


# Participants -------------------------------------------------------------------------------------------


def _programme_roles(member):
    return [role for role in (Role.MENTOR, Role.MENTEE) if member.has_role(role)]


@organization_view(Capability.PARTICIPATE)
def my_programmes(request):
    participations = list(selectors.my_participations(user=request.user))
    return render(
        request,
        "programmes/my_programmes.html",
        {
            "participations": participations,
            "open_programmes": selectors.open_programmes_for(user=request.user),
            "roles": [(role, Role(role).label) for role in _programme_roles(request.member)],
        },
    )


@organization_view(Capability.PARTICIPATE)
def enrol(request, programme_id):
    programme, participant = access_own_participation(request.member, programme_id)
    if participant is None:
        role = request.GET.get("role") or (_programme_roles(request.member) or [""])[0]
        if programme.status != Programme.Status.OPEN or role not in _programme_roles(request.member):
            raise Http404
        participant = Participant(programme=programme, user=request.user, role=role)
    elif participant.status == Participant.Status.ENROLLED:
        return _to(request, "my_profile", programme)
    if not services.can_enrol(programme):
        return render(request, "programmes/enrolment_closed.html", {"programme": programme}, status=409)
    form = EnrolmentForm(request.POST or None, instance=participant, role=participant.role)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrol(
                programme=programme,
                user=request.user,
                role=participant.role,
                profile=form.fill(participant),
                skill_levels=form.skill_levels(),
                charter_accepted=form.cleaned_data["accept_charter"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("You are enrolled in %(name)s. Thank you!") % {"name": programme.name}
            )
            return redirect("my_programmes", org_slug=request.organization.slug)
    return render(
        request,
        "programmes/enrol.html",
        {
            "programme": programme,
            "participant": participant,
            "form": form,
            "resources": selectors.resources_for(programme=programme, role=participant.role),
        },
    )


@organization_view(Capability.PARTICIPATE)
def my_profile(request, programme_id):
    programme, participant = access_own_participation(request.member, programme_id)
    if participant is None:
        raise Http404
    if participant.status != Participant.Status.ENROLLED:
        return _to(request, "enrol", programme)
    form = ProfileForm(request.POST or None, instance=participant, role=participant.role)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_profile(participant=form.fill(participant), skill_levels=form.skill_levels())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Profile saved."))
            return _to(request, "my_profile", programme)
    return render(
        request,
        "programmes/my_profile.html",
        {"programme": programme, "participant": participant, "form": form},
    )


@organization_view(Capability.PARTICIPATE)
def charter(request, programme_id):
    programme, participant = access_own_participation(request.member, programme_id)
    if participant is None:
        raise Http404
    return render(
        request,
        "programmes/charter.html",
        {
            "programme": programme,
            "participant": participant,
            "objectives": programme.objectives.all(),
            "resources": selectors.resources_for(programme=programme, role=participant.role),
        },
    )


@organization_view(Capability.PARTICIPATE)
def preparation(request, programme_id):
    programme, participant = access_own_participation(request.member, programme_id)
    if participant is None or participant.status != Participant.Status.ENROLLED:
        raise Http404
    if request.method == "POST":
        try:
            services.complete_preparation_step(participant=participant, step=request.POST.get("step", ""))
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            if participant.is_prepared:
                messages.success(request, _("Your preparation is complete. Thank you!"))
        step = request.POST.get("step", "")
        anchor = step if step in services.PreparationStep.FIELDS else "charter"
        return redirect(f"{request.path}#step-{anchor}")
    return render(
        request, "programmes/preparation.html", {"programme": programme, "participant": participant}
    )


@organization_view(Capability.PARTICIPATE)
@require_POST
def withdraw(request, programme_id):
    programme, participant = access_own_participation(request.member, programme_id)
    if participant is None:
        raise Http404
    try:
        services.withdraw(participant=participant)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("You have withdrawn from %(name)s.") % {"name": programme.name})
    return redirect("my_programmes", org_slug=request.organization.slug)


@organization_view(Capability.VIEW_ORGANIZATION)
@private_download
@audited_download("programme resource", action=Action.DOWNLOAD)
def resource_download(request, programme_id, resource_id):
    resource = access_resource(request.member, programme_id, resource_id)
    if not resource.file:
        return redirect(resource.url)
    return uploads.attachment_response(
        resource.file, kind=uploads.RESOURCE, original_name=resource.original_name
    )


# HR: the junior mentors' outcomes -----------------------------------------------------------------------

OUTCOMES_PER_PAGE = 50


@organization_view(Capability.MANAGE_PROGRAMMES)
def programme_outcomes(request, programme_id):
    """The mentors' outcomes (one table row each, this page's rows saved together), the baseline rates
    they are compared with, and an import of the same table."""
    programme = access_programme(request.member, programme_id)
    page = Paginator(outcomes.mentors(programme=programme), OUTCOMES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    action = request.POST.get("action") if request.method == "POST" else None
    rows = [
        (mentor, MentorOutcomeForm.for_mentor(mentor, request.POST if action == "outcomes" else None))
        for mentor in page
    ]
    baseline = OutcomeBaseline.objects.filter(programme=programme).first()
    baseline_form = OutcomeBaselineForm(request.POST if action == "baseline" else None, instance=baseline)
    import_form = OutcomeImportForm(
        request.POST if action == "import" else None, request.FILES if action == "import" else None
    )
    report = None
    if action == "outcomes" and all(form.is_valid() for _mentor, form in rows):
        outcomes.record_outcomes(
            programme=programme,
            values={mentor.pk: form.cleaned_data for mentor, form in rows},
            by=request.user,
        )
        messages.success(request, _("The outcomes are saved."))
        return redirect(f"{request.path}?page={page.number}")
    if action == "baseline" and baseline_form.is_valid():
        data = baseline_form.cleaned_data
        outcomes.set_baseline(programme=programme, **data)
        messages.success(request, _("The baseline rates are saved."))
        return redirect(request.path)
    if action == "import" and import_form.is_valid():
        upload = import_form.cleaned_data["file"]
        try:
            report = outcomes.import_outcomes(programme=programme, upload=upload, by=request.user)
        except outcomes.OutcomeImportError as error:
            import_form.add_error("file", str(error))
        else:
            if report.saved:
                audit.record(
                    audit.Action.IMPORT_RUN,
                    organization=request.organization,
                    actor=request.user,
                    target=programme,
                    details={"what": "mentor outcomes", "file": upload.name, "rows": len(report.values)},
                    request=request,
                )
                messages.success(
                    request,
                    ngettext(
                        "The outcomes of %(count)s mentor are saved.",
                        "The outcomes of %(count)s mentors are saved.",
                        len(report.values),
                    )
                    % {"count": len(report.values)},
                )
                return redirect(request.path)
    return render(
        request,
        "programmes/programme_outcomes.html",
        {
            "programme": programme,
            "page": page,
            "rows": rows,
            "baseline_form": baseline_form,
            "import_form": import_form,
            "report": report,
        },
    )
