"""The SCIM resources Binôme serves, as scim2-models pydantic models, and its discovery documents.

The schemas published at ``/Schemas`` are generated from these models, so they announce exactly the
attributes Binôme keeps: a directory (or a compliance checker) that writes an attribute reads it back.
"""

from typing import Annotated, Any, ClassVar

from pydantic import EmailStr, Field
from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    Extension,
    Filter,
    GroupMember,
    GroupMembership,
    Mutability,
    Patch,
    Reference,
    Required,
    Resource,
    ResourceType,
    SchemaExtension,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)
from scim2_models import Email as ScimEmail
from scim2_models import ETag as ETagConfig

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

# A page holds at most this many resources, whatever ``count`` asks (RFC 7644 §3.4.2.4 lets us cap it).
MAX_RESULTS = 200


class Name(ComplexAttribute):
    family_name: str | None = None
    given_name: str | None = None


class Email(ComplexAttribute):
    value: Annotated[EmailStr | None, Required.true] = None
    display: str | None = None
    type: ScimEmail.Type | None = Field(None, examples=["work", "home", "other"])
    primary: bool | None = None


class Manager(ComplexAttribute):
    # Directories send the manager's id alone (Entra ID, Okta): the reference is optional here.
    value: Annotated[str | None, Required.true, CaseExact.true] = None
    ref: Reference["User"] | None = Field(None, serialization_alias="$ref", validation_alias="$ref")
    display_name: Annotated[str | None, Mutability.read_only] = None


class EnterpriseUser(Extension):
    __schema__ = URN(ENTERPRISE_SCHEMA)

    employee_number: str | None = None
    department: str | None = None
    manager: Manager | None = None


class User(Resource[EnterpriseUser]):
    __schema__ = URN(USER_SCHEMA)

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    name: Name | None = None
    display_name: str | None = None
    title: str | None = None
    # Said on every create and replace (Entra ID and Okta always do): a directory cannot "remove" whether
    # a person may come in.
    active: Annotated[bool | None, Required.true] = None
    # Binôme's accounts are e-mail addresses: a User needs one (or a userName that is one).
    emails: Annotated[list[Email] | None, Required.true] = None
    groups: Annotated[list[GroupMembership] | None, Mutability.read_only] = None

    Emails: ClassVar[type[ComplexAttribute]] = Email


class Group(Resource[Any]):
    __schema__ = URN(GROUP_SCHEMA)

    # The groups are Binôme's roles: their names are fixed.
    display_name: Annotated[str | None, Required.true, Mutability.read_only] = None
    members: list[GroupMember] | None = None

    Members: ClassVar[type[ComplexAttribute]] = GroupMember


def service_provider_config(base_url: str) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETagConfig(supported=True),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="Bearer token",
                description="A provisioning token created by the organisation's HR admin in Binôme.",
                primary=True,
            )
        ],
        meta={"resourceType": "ServiceProviderConfig", "location": f"{base_url}/ServiceProviderConfig"},
    )


def resource_types(base_url: str) -> list[ResourceType]:
    return [
        ResourceType(
            id="User",
            name="User",
            description="A person of the organisation",
            endpoint="/Users",
            schema_=USER_SCHEMA,
            schema_extensions=[SchemaExtension(schema_=ENTERPRISE_SCHEMA, required=False)],
            meta={"resourceType": "ResourceType", "location": f"{base_url}/ResourceTypes/User"},
        ),
        ResourceType(
            id="Group",
            name="Group",
            description="A role in the organisation: HR admins, executives, mentor pool, mentee pool",
            endpoint="/Groups",
            schema_=GROUP_SCHEMA,
            meta={"resourceType": "ResourceType", "location": f"{base_url}/ResourceTypes/Group"},
        ),
    ]


def schemas(base_url: str) -> list[Any]:
    documents = []
    for model in (User, Group, EnterpriseUser):
        schema = model.to_schema()
        schema.meta = {"resourceType": "Schema", "location": f"{base_url}/Schemas/{schema.id}"}
        documents.append(schema)
    return documents
