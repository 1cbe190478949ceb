"""Every public service says what it takes and what it returns.

mypy (``make check``) checks the services modules, but it has no switch for "public functions only":
this test holds the services' public signatures to it, while private helpers may stay untyped for now.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES_MODULES = sorted(path.relative_to(ROOT).as_posix() for path in ROOT.glob("*/services.py"))


def untyped_parts(function):
    arguments = function.args
    parameters = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    parameters += [argument for argument in (arguments.vararg, arguments.kwarg) if argument is not None]
    missing = [parameter.arg for parameter in parameters if parameter.annotation is None]
    if function.returns is None:
        missing.append("return")
    return missing


def public_functions(path):
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_")
    ]


def test_it_finds_the_services_modules():
    assert "organizations/services.py" in SERVICES_MODULES
    assert "sessions/services.py" in SERVICES_MODULES


@pytest.mark.parametrize("path", SERVICES_MODULES)
def test_every_public_service_is_typed(path):
    untyped = {
        function.name: missing for function in public_functions(path) if (missing := untyped_parts(function))
    }
    assert untyped == {}, f"{path}: annotate these parameters and return types"
