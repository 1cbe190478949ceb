"""The SCIM 2.0 endpoint, ``/scim/v2/`` (RFC 7644): the organisation is the token's, never the URL's."""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from scim2_models import (
    Context,
    InvalidValueException,
    ListResponse,
    NotImplementedException,
    PatchOp,
    ResourceType,
    ResponseParameters,
    Schema,
    ScimFilter,
    SearchRequest,
)

from . import filters, resources, selectors, services
from .protocol import ScimRequest, body_of, respond, scim_view
from .services import Directory

USER_PATCH = PatchOp[resources.User]
GROUP_PATCH = PatchOp[resources.Group]


def _directory(request: ScimRequest) -> Directory:
    return Directory(token=request.scim_token, request=request)


def _response_parameters(request: ScimRequest) -> ResponseParameters:
    searched = getattr(request, "scim_search", None)
    if searched is not None:
        return searched
    return ResponseParameters.model_validate(
        {
            "attributes": request.GET.get("attributes") or None,
            "excludedAttributes": request.GET.get("excludedAttributes") or None,
        }
    )


def _search(request: ScimRequest) -> SearchRequest:
    if request.method == "POST":
        # POST .../.search (RFC 7644 §3.4.3): the same query, in the body.
        search = SearchRequest.model_validate(body_of(request), scim_ctx=Context.SEARCH_REQUEST)
        request.scim_search = search  # type: ignore[attr-defined]
        return search
    parameters: dict[str, Any] = {
        key: request.GET[key]
        for key in ("filter", "startIndex", "count", "attributes", "excludedAttributes")
        if request.GET.get(key)
    }
    search = SearchRequest.model_validate(parameters, scim_ctx=Context.SEARCH_REQUEST)
    return search


def _page_bounds(search: SearchRequest) -> tuple[int, int]:
    start = max(int(search.start_index or 1), 1)
    count = search.count if search.count is not None else resources.MAX_RESULTS
    return start, max(0, min(int(count), resources.MAX_RESULTS))


def _dump(resource: Any, context: Context, request: ScimRequest) -> dict[str, Any]:
    return resource.model_dump(scim_ctx=context, response_parameters=_response_parameters(request))


# Discovery -----------------------------------------------------------------------------------------------


@scim_view({"GET"})
def service_provider_config(request: ScimRequest) -> HttpResponse:
    config = resources.service_provider_config(request.scim_base_url)
    return respond(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@scim_view({"GET"})
def resource_types(request: ScimRequest) -> HttpResponse:
    found = resources.resource_types(request.scim_base_url)
    return respond(_list(ResourceType, found, total=len(found), start=1))


@scim_view({"GET"})
def resource_type(request: ScimRequest, name: str) -> HttpResponse:
    for found in resources.resource_types(request.scim_base_url):
        if found.id == name:
            return respond(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    raise services.not_found()


@scim_view({"GET"})
def schemas(request: ScimRequest) -> HttpResponse:
    found = resources.schemas(request.scim_base_url)
    return respond(_list(Schema, found, total=len(found), start=1))


@scim_view({"GET"})
def schema(request: ScimRequest, urn: str) -> HttpResponse:
    for found in resources.schemas(request.scim_base_url):
        if found.id == urn:
            return respond(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    raise services.not_found()


def _list(
    model: Any, items: list[Any], *, total: int, start: int, request: ScimRequest | None = None
) -> dict[str, Any]:
    response = ListResponse[model](
        total_results=total, start_index=start, items_per_page=len(items), resources=items or None
    )
    parameters = _response_parameters(request) if request is not None else None
    return response.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=parameters)


@scim_view({"POST"})
def search_everything(request: ScimRequest) -> HttpResponse:
    raise NotImplementedException(detail="Search /Users/.search or /Groups/.search")


@scim_view({"GET", "POST", "PUT", "PATCH", "DELETE"})
def unknown(request: ScimRequest, rest: str) -> HttpResponse:
    raise services.not_found()


# Users ---------------------------------------------------------------------------------------------------


def _user_response(
    request: ScimRequest, identity: Any, *, status: int = 200, context: Context
) -> HttpResponse:
    roles = selectors.roles_of([identity])
    resource = selectors.user_resource(
        identity, base_url=request.scim_base_url, roles=roles[identity.user_id]
    )
    headers = {"ETag": identity.etag}
    if status == 201:
        headers["Location"] = resource.meta.location
    return respond(_dump(resource, context, request), status=status, headers=headers)


@scim_view({"GET", "POST"})
def users(request: ScimRequest) -> HttpResponse:
    if request.method == "POST":
        resource = resources.User.model_validate(body_of(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
        identity = services.create_user(directory=_directory(request), data=selectors.user_data(resource))
        identity = services.identity_by_id(str(identity.scim_id))
        return _user_response(request, identity, status=201, context=Context.RESOURCE_CREATION_RESPONSE)
    return _list_users(request)


@scim_view({"POST"})
def search_users(request: ScimRequest) -> HttpResponse:
    return _list_users(request)


def _list_users(request: ScimRequest) -> HttpResponse:
    search = _search(request)
    condition = filters.user_filter(str(search.filter)) if search.filter else Q()
    start, count = _page_bounds(search)
    total, page = selectors.users_page(condition, start_index=start, count=count)
    roles = selectors.roles_of(page)
    found = [
        selectors.user_resource(identity, base_url=request.scim_base_url, roles=roles[identity.user_id])
        for identity in page
    ]
    return respond(_list(resources.User, found, total=total, start=start, request=request))


@scim_view({"GET", "PUT", "PATCH", "DELETE"})
def user(request: ScimRequest, scim_id: str) -> HttpResponse:
    directory = _directory(request)
    if request.method == "GET":
        identity = services.identity_by_id(scim_id)
        if identity is None:
            raise services.not_found()
        if request.headers.get("If-None-Match") == identity.etag:
            return HttpResponse(status=304, headers={"ETag": identity.etag})
        return _user_response(request, identity, context=Context.RESOURCE_QUERY_RESPONSE)
    with transaction.atomic():
        identity = services.identity_by_id(scim_id, lock=True)
        if identity is None:
            raise services.not_found()
        services.check_version(identity, request.headers.get("If-Match"))
        if request.method == "DELETE":
            services.delete_user(directory=directory, identity=identity)
            return HttpResponse(status=204)
        if request.method == "PUT":
            resource = resources.User.model_validate(
                body_of(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
            )
            if resource.id and resource.id != str(identity.scim_id):
                raise InvalidValueException(detail="id cannot change")
        else:
            patch = USER_PATCH.model_validate(body_of(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST)
            roles = selectors.roles_of([identity])
            resource = selectors.user_resource(
                identity, base_url=request.scim_base_url, roles=roles[identity.user_id]
            )
            patch.patch(resource)
        services.replace_user(directory=directory, identity=identity, data=selectors.user_data(resource))
    identity = services.identity_by_id(scim_id)
    context = (
        Context.RESOURCE_REPLACEMENT_RESPONSE if request.method == "PUT" else Context.RESOURCE_PATCH_RESPONSE
    )
    return _user_response(request, identity, context=context)


# Groups --------------------------------------------------------------------------------------------------


def _group(group_id: str) -> services.GroupSpec:
    group = services.GROUPS_BY_ID.get(group_id)
    if group is None:
        raise services.not_found()
    return group


def _wants_members(request: ScimRequest) -> bool:
    parameters = _response_parameters(request)
    excluded = {str(name).lower() for name in parameters.excluded_attributes or []}
    chosen = {str(name).lower().split(".")[0] for name in parameters.attributes or []}
    return "members" not in excluded and (not chosen or "members" in chosen)


@scim_view({"GET", "POST"})
def groups(request: ScimRequest) -> HttpResponse:
    if request.method == "POST":
        raise NotImplementedException(
            detail="Binôme's groups are its roles: HR admins, Executives, Mentor pool, Mentee pool"
        )
    return _list_groups(request)


@scim_view({"POST"})
def search_groups(request: ScimRequest) -> HttpResponse:
    return _list_groups(request)


def _list_groups(request: ScimRequest) -> HttpResponse:
    search = _search(request)
    with_members = _wants_members(request)
    found = [
        selectors.group_resource(group, base_url=request.scim_base_url, members=with_members)
        for group in selectors.all_groups()
    ]
    if search.filter:
        bound = ScimFilter[resources.Group](str(filters.parse(str(search.filter))))
        found = [group for group in found if bound.match(group)]
    start, count = _page_bounds(search)
    page = found[start - 1 : start - 1 + count]
    return respond(_list(resources.Group, page, total=len(found), start=start, request=request))


@scim_view({"GET", "PUT", "PATCH", "DELETE"})
def group(request: ScimRequest, group_id: str) -> HttpResponse:
    spec = _group(group_id)
    directory = _directory(request)
    if request.method == "DELETE":
        raise NotImplementedException(detail="Binôme's groups are its roles: they cannot be deleted")
    if request.method == "PUT":
        resource = resources.Group.model_validate(
            body_of(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        member_ids = {member.value for member in resource.members or [] if member.value}
        services.set_group_members(directory=directory, group=spec, member_ids=member_ids)
    elif request.method == "PATCH":
        patch = GROUP_PATCH.model_validate(body_of(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST)
        with transaction.atomic():
            resource = selectors.group_resource(spec, base_url=request.scim_base_url)
            patch.patch(resource)
            member_ids = {member.value for member in resource.members or [] if member.value}
            services.set_group_members(directory=directory, group=spec, member_ids=member_ids)
        if not request.GET.get("attributes"):
            # RFC 7644 §3.5.2: 204 when the client does not ask for the resource back.
            return HttpResponse(status=204)
    resource = selectors.group_resource(spec, base_url=request.scim_base_url, members=_wants_members(request))
    return respond(_dump(resource, Context.RESOURCE_QUERY_RESPONSE, request))
