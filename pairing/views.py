from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations.access import organization_view
from organizations.roles import Capability

from . import selectors, services
from .access import (
    access_own_enrolment,
    access_own_pair,
    access_pair,
    access_programme,
    access_round,
    access_rule,
)
from .forms import ChooseMentorForm, MatchingSettingsForm, PairingRuleForm, ReasonForm, SwapForm
from .models import MatchingRound, MatchingSettings, Pair


def _error(request, error):
    messages.error(request, " ".join(error.messages))


def _to_programme(request, programme):
    return redirect("matching_programme", org_slug=request.organization.slug, programme_id=programme.pk)


def _to_round(request, matching_round):
    return redirect("matching_round", org_slug=request.organization.slug, round_id=matching_round.pk)


@organization_view(Capability.MANAGE_PAIRING)
def matching_index(request):
    return render(request, "pairing/index.html", {"programmes": selectors.programmes_for_matching()})


@organization_view(Capability.MANAGE_PAIRING)
def matching_programme(request, programme_id):
    programme = access_programme(request.member, programme_id)
    pairs = list(selectors.programme_pairs(programme=programme))
    return render(
        request,
        "pairing/programme.html",
        {
            "programme": programme,
            "settings": services.matching_settings_for(programme),
            "draft": selectors.draft_round(programme=programme),
            "rounds": selectors.rounds_of(programme=programme),
            "pairs": pairs,
            "has_accepted": any(pair.status == Pair.Status.ACCEPTED for pair in pairs),
            "has_live": any(pair.status in Pair.LIVE for pair in pairs),
            "Status": Pair.Status,
        },
    )


@organization_view(Capability.MANAGE_PAIRING)
def matching_settings(request, programme_id):
    programme = access_programme(request.member, programme_id)
    form = MatchingSettingsForm(request.POST or None, instance=services.matching_settings_for(programme))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Matching settings saved."))
        return _to_programme(request, programme)
    return render(request, "pairing/settings.html", {"programme": programme, "form": form})


@organization_view(Capability.MANAGE_PAIRING)
def matching_rules(request, programme_id):
    programme = access_programme(request.member, programme_id)
    form = PairingRuleForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_rule(programme=programme, created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Rule saved: the next run will respect it."))
            return redirect("matching_rules", org_slug=request.organization.slug, programme_id=programme.pk)
    return render(
        request,
        "pairing/rules.html",
        {"programme": programme, "form": form, "rules": selectors.rules_of(programme=programme)},
    )


@organization_view(Capability.MANAGE_PAIRING)
@require_POST
def delete_rule(request, rule_id):
    rule = access_rule(request.member, rule_id)
    services.delete_rule(rule=rule)
    messages.success(request, _("Rule removed."))
    return redirect("matching_rules", org_slug=request.organization.slug, programme_id=rule.programme_id)


@organization_view(Capability.MANAGE_PAIRING)
@require_POST
def run_matching(request, programme_id):
    programme = access_programme(request.member, programme_id)
    try:
        matching_round = services.run_matching(programme=programme, created_by=request.user)
    except ValidationError as error:
        _error(request, error)
        return _to_programme(request, programme)
    messages.success(request, _("Proposals ready for review."))
    return _to_round(request, matching_round)


@organization_view(Capability.MANAGE_PAIRING)
@require_POST
def open_rotation(request, programme_id):
    programme = access_programme(request.member, programme_id)
    try:
        matching_round = services.open_rotation_round(programme=programme, created_by=request.user)
    except ValidationError as error:
        _error(request, error)
        return _to_programme(request, programme)
    messages.success(request, _("Current pairs ended; new proposals avoid former partners."))
    return _to_round(request, matching_round)


@organization_view(Capability.MANAGE_PAIRING)
@require_POST
def start_pairs(request, programme_id):
    programme = access_programme(request.member, programme_id)
    started = services.start_accepted_pairs(programme=programme)
    messages.success(request, _("Pairs started: %(count)s.") % {"count": started})
    return _to_programme(request, programme)


@organization_view(Capability.MANAGE_PAIRING)
def matching_round(request, round_id):
    matching_round = access_round(request.member, round_id)
    proposals = list(selectors.round_proposals(matching_round=matching_round))
    return render(
        request,
        "pairing/round.html",
        {
            "round": matching_round,
            "programme": matching_round.programme,
            "proposals": [(pair, selectors.criteria_rows(pair)) for pair in proposals],
            "total": round(sum(pair.score for pair in proposals), 1),
            "unmatched": selectors.unmatched_people(matching_round=matching_round),
            "swap_form": SwapForm(proposals=proposals) if len(proposals) > 1 else None,
            "is_draft": matching_round.status == MatchingRound.Status.DRAFT,
        },
    )


@organization_view(Capability.MANAGE_PAIRING)
@require_POST
def rerun_round(request, round_id):
    matching_round = access_round(request.member, round_id)
    try:
        services.rerun_round(matching_round=matching_round)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("The optimiser ran again around the locked pairs."))
    return _to_round(request, matching_round)


@organization_view(Capability.MANAGE_PAIRING)
@require_POST
def publish_round(request, round_id):
    matching_round = access_round(request.member, round_id)
    try:
        services.publish_round(matching_round=matching_round)
    except ValidationError as error:
        _error(request, error)
        return _to_round(request, matching_round)
    messages.success(request, _("Proposals published: each person has been told."))
    return _to_programme(request, matching_round.programme)


@organization_view(Capability.MANAGE_PAIRING)
@require_POST
def swap_proposals(request, round_id):
    matching_round = access_round(request.member, round_id)
    proposals = list(selectors.round_proposals(matching_round=matching_round))
    form = SwapForm(request.POST, proposals=proposals)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _to_round(request, matching_round)
    by_id = {pair.pk: pair for pair in proposals}
    try:
        services.swap_mentees(
            first=by_id[form.cleaned_data["first"]], second=by_id[form.cleaned_data["second"]]
        )
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("Mentees swapped; both pairs are locked."))
    return _to_round(request, matching_round)


@organization_view(Capability.MANAGE_PAIRING)
@require_POST
def lock_proposal(request, pair_id):
    pair = access_pair(request.member, pair_id)
    try:
        services.set_locked(pair=pair, locked=request.POST.get("locked") == "1")
    except ValidationError as error:
        _error(request, error)
    if pair.matching_round is None:
        return _to_programme(request, pair.programme)
    return _to_round(request, pair.matching_round)


@organization_view(Capability.MANAGE_PAIRING)
@require_POST
def exclude_proposal(request, pair_id):
    pair = access_pair(request.member, pair_id)
    matching_round = pair.matching_round
    try:
        services.exclude_pair(pair=pair, excluded_by=request.user)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("Pair excluded: run the optimiser again to fill the gap."))
    if matching_round is None:
        return _to_programme(request, pair.programme)
    return _to_round(request, matching_round)


@organization_view(Capability.MANAGE_PAIRING)
def end_pair(request, pair_id):
    pair = access_pair(request.member, pair_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_pair(pair=pair, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Pair ended."))
            return _to_programme(request, pair.programme)
    return render(request, "pairing/end_pair.html", {"pair": pair, "form": form})


@organization_view(Capability.MANAGE_PAIRING)
@require_POST
def waive_preparation(request, pair_id):
    pair = access_pair(request.member, pair_id)
    try:
        services.waive_preparation(pair=pair, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("This pair can plan its first session without waiting for its preparation.")
        )
    return _to_programme(request, pair.programme)


@organization_view(Capability.PARTICIPATE)
def my_matches(request):
    pairs = list(selectors.my_pairs(user=request.user))
    return render(
        request,
        "pairing/my_matches.html",
        {
            "pairs": [
                (pair, services.side_of(pair, request.user), selectors.criteria_rows(pair)) for pair in pairs
            ],
            "choices": selectors.self_service_enrolments(user=request.user),
            "Status": Pair.Status,
        },
    )


@organization_view(Capability.PARTICIPATE)
@require_POST
def accept_match(request, pair_id):
    pair = access_own_pair(request.member, pair_id)
    try:
        pair = services.accept_pair(pair=pair, user=request.user)
    except ValidationError as error:
        _error(request, error)
    else:
        if pair.status == Pair.Status.PROPOSED:
            messages.success(request, _("Thank you: we are waiting for your partner's answer."))
        else:
            messages.success(request, _("You both accepted: your pair is confirmed."))
    return redirect("my_matches", org_slug=request.organization.slug)


@organization_view(Capability.PARTICIPATE)
def decline_match(request, pair_id):
    pair = access_own_pair(request.member, pair_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_pair(pair=pair, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Declined. HR will propose someone else."))
            return redirect("my_matches", org_slug=request.organization.slug)
    return render(request, "pairing/decline.html", {"pair": pair, "form": form})


@organization_view(Capability.PARTICIPATE)
def choose_mentor(request, programme_id):
    enrolment = access_own_enrolment(request.member, programme_id)
    settings = services.matching_settings_for(enrolment.programme)
    if settings.mode != MatchingSettings.Mode.SELF_SERVICE:
        messages.error(request, _("In this programme, HR proposes the pairs."))
        return redirect("my_matches", org_slug=request.organization.slug)
    suggestions = services.suggestions_for(mentee=enrolment)
    form = ChooseMentorForm(request.POST or None, suggestions=suggestions)
    if request.method == "POST" and form.is_valid():
        try:
            services.choose_mentor(mentee=enrolment, mentor_id=form.cleaned_data["mentor"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your choice has been sent to the mentor."))
            return redirect("my_matches", org_slug=request.organization.slug)
    return render(
        request,
        "pairing/choose.html",
        {
            "programme": enrolment.programme,
            "form": form,
            "suggestions": [(suggestion, _criteria(suggestion)) for suggestion in suggestions],
        },
    )


def _criteria(suggestion):
    return selectors.criteria_rows(Pair(score_breakdown=suggestion.explanation))
