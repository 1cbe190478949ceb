from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _

from mentoring import outbound
from organizations.roles import Role

from . import saml
from .models import IdentityProvider

METADATA_MAX_BYTES = saml.METADATA_MAX_BYTES


def _https_urls(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class IdentityProviderForm(forms.ModelForm):
    metadata_file = forms.FileField(
        label=_("IdP metadata file"),
        required=False,
        help_text=_("An XML file exported from your identity provider; replaces the metadata kept."),
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "name",
            "protocol",
            "server_url",
            "client_id",
            "client_secret",
            "metadata_url",
            "sso_required",
            "jit",
            "jit_role",
            "enabled",
        ]
        widgets = {"client_secret": forms.PasswordInput(render_value=False)}
        formfield_callback = _https_urls

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(
            ["name", "protocol", "enabled", "server_url", "client_id", "client_secret", "metadata_url"]
            + ["metadata_file", "sso_required", "jit", "jit_role"]
        )
        self.fields["jit_role"].choices = [("", "—"), *Role.choices]
        self.fields["client_secret"].required = False
        if self.instance.pk and self.instance.client_secret:
            self.fields["client_secret"].help_text = _("Kept as it is unless you type a new one.")

    def clean_metadata_file(self):
        upload = self.cleaned_data.get("metadata_file")
        if not upload:
            return None
        if upload.size > METADATA_MAX_BYTES:
            raise ValidationError(_("The metadata file is larger than 1 MB."))
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(_("The metadata file is not UTF-8 XML.")) from None
        if "EntityDescriptor" not in text:
            raise ValidationError(_("This file is not SAML metadata (no EntityDescriptor)."))
        return text

    def clean(self):
        cleaned = super().clean()
        # An empty secret field keeps the one stored: it is never shown back.
        if not cleaned.get("client_secret") and self.instance.pk:
            cleaned["client_secret"] = IdentityProvider.objects.get(pk=self.instance.pk).client_secret
        if cleaned.get("protocol") == IdentityProvider.Protocol.SAML:
            self._check_saml_metadata(cleaned)
        elif cleaned.get("server_url"):
            self._check_public("server_url", cleaned["server_url"])
        return cleaned

    def _check_public(self, field, url):
        # The server fetches the issuer's discovery document and tokens from there at every sign-in: say now,
        # not at the first sign-in, that it is a place Binôme will not connect to.
        parts = urlsplit(url)
        try:
            outbound.addresses(
                parts.hostname or "",
                parts.port or (443 if parts.scheme == "https" else 80),
                allow_private=settings.SSO_ALLOW_PRIVATE_NETWORKS,
            )
        except outbound.Unresolvable:
            # An issuer whose name does not resolve yet (set up before its DNS) is checked again at each
            # connection, where it is refused if it then points inside.
            pass
        except outbound.RefusedDestination as refusal:
            self.add_error(field, str(refusal))

    def _check_saml_metadata(self, cleaned):
        # Read the IdP's metadata now, so that the admin learns at once that a URL or file is unusable.
        xml = cleaned.get("metadata_file") or ""
        url = cleaned.get("metadata_url") or ""
        if not (xml or url):
            return
        if xml and url:
            # The URL would win (it follows certificate rollovers): say so rather than ignore the file.
            self.add_error(
                "metadata_file",
                _("Give the metadata by URL or as a file, not both: empty the URL to use the file."),
            )
            return
        try:
            saml.read_idp_metadata(url=url, xml=xml)
        except ValidationError as error:
            self.add_error("metadata_file" if xml else "metadata_url", error)

    def _post_clean(self):
        if self.cleaned_data.get("metadata_file"):
            self.instance.metadata_xml = self.cleaned_data["metadata_file"]
        super()._post_clean()


class DomainClaimForm(forms.Form):
    domain = forms.CharField(
        label=_("E-mail domain"),
        max_length=253,
        help_text=_("For instance example.com: the part of your colleagues' addresses after the @."),
    )

    def clean_domain(self):
        domain = self.cleaned_data["domain"].strip().lower().rstrip(".").removeprefix("@")
        try:
            validate_email(f"someone@{domain}")
        except ValidationError:
            raise ValidationError(_("Enter a domain such as example.com.")) from None
        return domain


class EmailFirstForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True}))


class BreakGlassForm(forms.Form):
    email = forms.EmailField(label=_("Staff e-mail address"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why single sign-on cannot be used: kept with the record of this sign-in."),
    )
