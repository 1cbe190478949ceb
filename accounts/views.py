from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from mentoring.downloads import private_download
from organizations import audit
from organizations.audit import Action

from . import personal_data, selectors, services
from .forms import DeleteAccountForm, PreferencesForm


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_preferences(form=form)
        response = redirect("preferences")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, request.user.language)
        messages.success(request, _("Your preferences are saved."))
        return response
    context = {
        "form": form,
        "sign_ins": selectors.open_sign_ins(user=request.user),
        "current_session_key": request.session.session_key,
    }
    return render(request, "accounts/preferences.html", context)


@require_POST
@login_required
def sign_out_everywhere(request):
    audit.record_in_each(
        Action.SIGN_OUT_EVERYWHERE,
        organization_ids=selectors.organization_ids_of(user=request.user),
        actor=request.user,
        request=request,
    )
    """Every browser the person signed in with, this one included, is signed out at once."""
    services.sign_out_everywhere(user=request.user)
    logout(request)
    messages.success(
        request, _("You are signed out everywhere, on this browser too. Sign in again to continue.")
    )
    return redirect("account_login")


@require_POST
def switch_language(request):
    """Django's set_language, and the choice remembered on the account for e-mails."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


@login_required
def my_data(request):
    return render(request, "accounts/my_data.html", {"refusal": personal_data.erasure_refusal(request.user)})


@require_GET
@private_download
@login_required
def download_my_data(request):
    response = HttpResponse(
        personal_data.personal_data_json(user=request.user), content_type="application/json; charset=utf-8"
    )
    filename = f"binome-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The export holds what each organisation keeps of the person: each one's trail says it left.
    audit.record_in_each(
        Action.EXPORT,
        organization_ids=selectors.organization_ids_of(user=request.user),
        actor=request.user,
        target=request.user,
        target_label=request.user.email,
        details={"what": "personal data", "filters": {}, "file": filename},
        request=request,
    )
    return response


download_my_data.audited = "personal data"


@never_cache
@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    refusal = personal_data.erasure_refusal(request.user)
    if request.method == "POST" and not refusal:
        # The password check is a reauthentication: rate-limited per person like allauth's own.
        limited = ratelimit.consume_or_429(request, action="reauthenticate", user=request.user)
        if limited:
            return limited
        if form.is_valid():
            try:
                personal_data.erase_personal_data(user=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                logout(request)
                return redirect("account_deleted")
    return render(request, "accounts/delete_account.html", {"form": form, "refusal": refusal})


@require_GET
def account_deleted(request):
    return render(request, "accounts/account_deleted.html")
