"""Dependencies point one way: an app imports only the apps below it in the layering.

Every import in every project module counts, including the ones inside functions (``import x.y``,
``from x import y``, relative imports, and ``import_module("x.y")`` with a literal name). A lower app
learns about a higher one only through a registry it owns (``notifications.registry``,
``accounts.privacy``, ``pairing.personal_data.pair_export``: the higher app registers at import time, from
its ``AppConfig.ready``) or through a Django signal it defines. The composition root (the project's urls,
settings, Celery and WSGI/ASGI modules) may import any app; migrations are exempt; tests/ and bench/ are
not checked.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The layering, bottom to top: each app may import only those before it. This list is the reference
# (docs/architecture.md cites it).
LAYERS = [
    # mentoring's shared modules (spreadsheets, downloads, the platform's own views): plumbing every app
    # uses, so they import no app.
    "mentoring",
    # The tenant and the people in it: memberships, roles, invitations, the tenancy itself. Everything
    # else is scoped by an organisation, so it sits at the bottom.
    "organizations",
    # The person's global account; it knows organisations (memberships, access ending) and owns the
    # privacy registry that the apps above fill with their part of a person's data.
    "accounts",
    # The outbox: every e-mail and in-app notice. Kinds, planners and renderers of the apps above are
    # registered in notifications.registry, so it never needs to know sessions or pairs.
    "notifications",
    # Programmes and their participants: what pairs are drawn from.
    "programmes",
    # Matching participants of a programme into pairs.
    "pairing",
    # What a pair does: sessions, goals, action items, the shared space.
    "sessions",
    # Surveys sent around programmes, pairs and sessions.
    "surveys",
    # Webhooks: endpoints HR registers, and the domain's events (enrolments, pairs, sessions, surveys) they
    # hear of through the lower apps' signals, delivered through the outbox's webhook channel.
    "webhooks",
    # Provisioning from the organisation's directory (SCIM): it writes people, memberships and
    # participants' profiles, and ends pairs through the programmes' withdrawal.
    "scim",
    # Dashboards read everything and nobody imports them.
    "dashboards",
    # The REST API reads every app (the dashboard's figures included) and nobody imports it.
    "api",
]

# The composition root wires every app together: it may import any of them, and no app imports it.
COMPOSITION_ROOT = {
    "mentoring.urls",
    "mentoring.settings",
    "mentoring.celery",
    "mentoring.wsgi",
    "mentoring.asgi",
}
COMPOSITION_ROOT_NAME = "the composition root"
# mentoring/__init__.py loads the Celery app (Celery's convention), so it belongs to the root too.
ROOT_FILES = COMPOSITION_ROOT | {"mentoring"}

RANK = {app: rank for rank, app in enumerate(LAYERS)}


def _module_of(path):
    """``programmes/services.py`` -> ("programmes.services", is_package)."""
    parts = list(path.with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def _app_of_module(name):
    """The layer an absolute module name belongs to, or None for Django, the standard library and others."""
    if name in COMPOSITION_ROOT or any(name.startswith(f"{root}.") for root in COMPOSITION_ROOT):
        return COMPOSITION_ROOT_NAME
    top = name.split(".")[0]
    return top if top in RANK else None


def _resolve_relative(module, is_package, level, target):
    package = module.split(".") if is_package else module.split(".")[:-1]
    if level - 1 > len(package) - 1:
        return None  # above the app's own package: not a project import
    base = package[: len(package) - (level - 1)]
    return ".".join(base + ([target] if target else []))


# The one upward name allowed, and only for the type checker: the user model. At run time every app
# reaches it through Django's swappable ``settings.AUTH_USER_MODEL`` / ``get_user_model()``; mypy needs
# its class to check what organizations does with a person.
TYPE_ONLY_ALLOWED = {("accounts.models", ("User",))}


def _type_only_user_imports(tree):
    """The ``from accounts.models import User`` nodes that sit in an ``if TYPE_CHECKING:`` block."""
    allowed = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for child in node.body:
                names = tuple(alias.name for alias in getattr(child, "names", []))
                if isinstance(child, ast.ImportFrom) and (child.module, names) in TYPE_ONLY_ALLOWED:
                    allowed.add(child)
    return allowed


def imported_modules(path, source):
    """(line, absolute module name) for every import in ``source``, the file at ``path`` (relative to ROOT)."""
    module, is_package = _module_of(path)
    found = []
    tree = ast.parse(source, filename=str(path))
    type_only = _type_only_user_imports(tree)
    for node in ast.walk(tree):
        if node in type_only:
            continue
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = _resolve_relative(module, is_package, node.level, node.module)
                if base is None:
                    continue
            # ``from mentoring import urls`` names a module: each name may be one.
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names if alias.name != "*")
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def violations_in(path, source):
    """Upward imports of the file at ``path`` (relative to ROOT): (path, line, app, imported app, message)."""
    module, _is_package = _module_of(path)
    app = _app_of_module(module)
    if app is None or module in ROOT_FILES or app == COMPOSITION_ROOT_NAME or "migrations" in path.parts:
        return []
    found = {}
    for line, name in imported_modules(path, source):
        target = _app_of_module(name)
        if target is None or target == app:
            continue
        if target == COMPOSITION_ROOT_NAME:
            why = "it wires every app together and no app imports it"
        elif RANK[target] > RANK[app]:
            why = (
                f"it sits above {app} in the layering ({' < '.join(LAYERS)}); let {target} register with "
                f"a registry or a signal that {app} defines"
            )
        else:
            continue
        message = f"{path.as_posix()}:{line}: {app} imports {target} ({name}): {why}"
        found.setdefault((line, target), (path.as_posix(), line, app, target, message))
    return sorted(found.values(), key=lambda violation: violation[1])


def project_files():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            yield path.relative_to(ROOT)


def project_violations():
    violations = []
    for path in project_files():
        violations.extend(violations_in(path, (ROOT / path).read_text(encoding="utf-8")))
    return violations


def test_no_app_imports_an_app_above_it():
    violations = project_violations()
    assert not violations, "\n" + "\n".join(message for *_edge, message in violations)


def test_every_project_app_has_its_place_in_the_layering():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(LAYERS), f"add {sorted(apps - set(LAYERS))} to LAYERS, with why it sits there"


def test_the_checker_catches_an_upward_import_even_inside_a_function():
    source = (
        "from django.db import models\n"
        "from organizations.models import Organization\n"
        "from . import services\n"
        "from .models import Pair\n"
        "\n"
        "def late():\n"
        "    from sessions.models import Session\n"
        "    import dashboards.views\n"
        "    from mentoring import urls\n"
        "    import_module('surveys.demo')\n"
    )
    found = violations_in(Path("pairing/example.py"), source)
    # Only the user model's name, only for the type checker: any other type-only upward import counts.
    type_only = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from accounts.models import User\n"
        "    from programmes.models import Programme\n"
    )
    assert [
        (line, target) for _p, line, _a, target, _m in violations_in(Path("organizations/x.py"), type_only)
    ] == [(4, "programmes")]
    assert [(line, target) for _path, line, _app, target, _message in found] == [
        (7, "sessions"),
        (8, "dashboards"),
        (9, COMPOSITION_ROOT_NAME),
        (10, "surveys"),
    ]
    assert found[0][4].startswith(
        "pairing/example.py:7: pairing imports sessions (sessions.models): it sits above pairing in the layering"
    )


def test_relative_imports_resolve_to_the_own_app():
    source = "from ...models import Participant\nfrom ... import services\n"
    found = imported_modules(Path("programmes/management/commands/example.py"), source)
    assert found[0] == (1, "programmes.models")
    assert (2, "programmes.services") in found
    assert violations_in(Path("programmes/management/commands/example.py"), source) == []


def test_the_composition_root_and_migrations_may_import_anything():
    source = "import dashboards.views\nfrom surveys import models\n"
    assert violations_in(Path("mentoring/urls.py"), source) == []
    assert violations_in(Path("organizations/migrations/0002_example.py"), source) == []
    assert len(violations_in(Path("mentoring/views.py"), source)) == 2
