"""SCIM filters (RFC 7644 §3.4.2.2), parsed by scim2-models, turned into Django ``Q`` objects.

Only attributes that map to a column are filterable; any other is refused with ``invalidFilter``, so
that a directory never gets an empty list where it asked a question Binôme cannot answer.
"""

import uuid
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils.dateparse import parse_datetime
from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path import Comparison, FilterVisitor, LogicalExpr, Not, Present, ValuePath
from scim2_models.path.expressions import AttrPath, CompareOperator, LogicalOperator

from .resources import ENTERPRISE_SCHEMA, USER_SCHEMA

# (attribute, sub-attribute) in lower case -> (field, case exact). The core schema's URN may prefix any.
USER_FIELDS: dict[tuple[str, str | None], tuple[str, bool]] = {
    ("id", None): ("scim_id", True),
    ("externalid", None): ("external_id", True),
    ("username", None): ("user_name", False),
    ("displayname", None): ("display_name", False),
    ("title", None): ("title", False),
    ("active", None): ("active", True),
    ("name", "givenname"): ("person__first_name", False),
    ("name", "familyname"): ("person__last_name", False),
    ("emails", None): ("email", False),
    ("emails", "value"): ("email", False),
    ("meta", "created"): ("created_at", True),
    ("meta", "lastmodified"): ("updated_at", True),
    ("employeenumber", None): ("employee_number", True),
    ("department", None): ("department", False),
    ("manager", None): ("manager__scim_id", True),
    ("manager", "value"): ("manager__scim_id", True),
}
_ENTERPRISE_ONLY = {"employeenumber", "department", "manager"}

_LOOKUPS = {
    CompareOperator.co: "contains",
    CompareOperator.sw: "startswith",
    CompareOperator.ew: "endswith",
    CompareOperator.gt: "gt",
    CompareOperator.ge: "gte",
    CompareOperator.lt: "lt",
    CompareOperator.le: "lte",
}


def parse(expression: str) -> ScimFilter[Any]:
    try:
        return ScimFilter(expression)
    except InvalidFilterException:
        raise
    except ValueError as error:
        raise InvalidFilterException(detail=str(error)) from None


def user_filter(expression: str) -> Q:
    """The ``Q`` object a filter on Users stands for; ``InvalidFilterException`` if it cannot be answered."""
    return _UserQuery().visit(parse(expression).ast)


class _UserQuery(FilterVisitor[Q]):
    def _field(self, path: AttrPath) -> tuple[str, bool]:
        uri = (path.uri or "").lower()
        attr = path.attr.lower()
        sub = path.sub_attr.lower() if path.sub_attr else None
        if uri and uri not in (USER_SCHEMA.lower(), ENTERPRISE_SCHEMA.lower()):
            raise InvalidFilterException(detail=f"Unknown schema: {path.uri}")
        if uri == ENTERPRISE_SCHEMA.lower() and attr not in _ENTERPRISE_ONLY:
            raise InvalidFilterException(detail=f"Unknown attribute: {path}")
        if uri == USER_SCHEMA.lower() and attr in _ENTERPRISE_ONLY:
            raise InvalidFilterException(detail=f"Unknown attribute: {path}")
        try:
            return USER_FIELDS[(attr, sub)]
        except KeyError:
            raise InvalidFilterException(detail=f"Binôme cannot filter on {path}") from None

    def visit_comparison(self, node: Comparison) -> Q:
        field, case_exact = self._field(node.attr_path)
        value = node.value
        if field == "active":
            if not isinstance(value, bool):
                raise InvalidFilterException(detail="active compares with true or false")
            if node.op not in (CompareOperator.eq, CompareOperator.ne):
                raise InvalidFilterException(detail="active compares with eq or ne")
        elif field in ("created_at", "updated_at"):
            if node.op in (CompareOperator.co, CompareOperator.sw, CompareOperator.ew):
                raise InvalidFilterException(detail=f"{node.attr_path} is a date")
            moment = value if isinstance(value, datetime) else parse_datetime(str(value))
            if moment is None:
                raise InvalidFilterException(detail=f"{node.attr_path} compares with a date and time")
            value = moment
        elif value is None or isinstance(value, bool | int | float):
            if node.op in (CompareOperator.eq, CompareOperator.ne) and value is None:
                present = _present(field)
                return ~present if node.op == CompareOperator.eq else present
            raise InvalidFilterException(detail=f"{node.attr_path} compares with a string")
        else:
            value = str(value)
        if field.endswith("scim_id") and not _is_uuid(value):
            # An id that cannot be one of ours matches nothing (and must not reach the UUID column).
            return Q(pk__in=[]) if node.op != CompareOperator.ne else Q()
        if node.op in (CompareOperator.eq, CompareOperator.ne):
            lookup = "exact" if case_exact else "iexact"
            condition = Q(**{f"{field}__{lookup}": value})
            return ~condition if node.op == CompareOperator.ne else condition
        lookup = _LOOKUPS[node.op]
        if not case_exact and lookup in ("contains", "startswith", "endswith"):
            lookup = f"i{lookup}"
        return Q(**{f"{field}__{lookup}": value})

    def visit_present(self, node: Present) -> Q:
        field, _case = self._field(node.attr_path)
        return _present(field)

    def visit_not(self, node: Not) -> Q:
        return ~self.visit(node.expr)

    def visit_logical_expr(self, node: LogicalExpr) -> Q:
        terms = [self.visit(term) for term in node.terms]
        combined = terms[0]
        for term in terms[1:]:
            combined = combined & term if node.op == LogicalOperator.and_ else combined | term
        return combined

    def visit_value_path(self, node: ValuePath) -> Q:
        attr = node.attr_path.attr.lower()
        if attr != "emails":
            raise InvalidFilterException(detail=f"Binôme cannot filter on {node.attr_path}")
        # emails[value eq "x"]: the one sub-attribute Binôme indexes.
        inner = node.val_filter
        if not isinstance(inner, Comparison) or (inner.attr_path.attr or "").lower() != "value":
            raise InvalidFilterException(detail="Binôme filters e-mails on their value only")
        return self.visit_comparison(
            Comparison(AttrPath(attr="emails", sub_attr="value"), inner.op, inner.value)
        )


def _present(field: str) -> Q:
    if field in ("active", "created_at", "updated_at", "scim_id"):
        return Q()
    if field.startswith("manager__"):
        return Q(manager__isnull=False)
    return ~Q(**{field: ""}) & Q(**{f"{field}__isnull": False})


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
