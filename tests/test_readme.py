"""The README's commands work as written: from a fresh clone after `make install`, without a venv to
activate (issue 12, item 9)."""

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
MAKEFILE = (ROOT / "Makefile").read_text()


def test_every_manage_py_command_in_the_readme_runs_with_the_venvs_python():
    bare = [
        line
        for line in README.splitlines()
        if re.search(r"(?<![\w/.-])python3? (manage\.py|bench/)", line) and "docker compose exec" not in line
    ]
    assert bare == []


def test_every_management_command_the_readme_names_exists():
    named = set(re.findall(r"manage\.py (\w+)", README))
    assert {"seed_demo", "run_scheduler", "erase_user"} <= named
    assert named - set(get_commands()) == set()


def test_every_make_target_the_readme_names_exists():
    targets = set(re.findall(r"^([a-z][\w-]*):", MAKEFILE, re.MULTILINE))
    named = set(re.findall(r"`(?:[A-Z_]+=\S+ )*make (\w[\w-]*)", README))
    assert {"run", "test", "worker"} <= named
    assert named - targets == set()


def test_every_bench_script_the_readme_names_exists():
    scripts = set(re.findall(r"bench/(\w+)\.py", README)) - {"NAME"}
    assert scripts
    assert [name for name in scripts if not (ROOT / "bench" / f"{name}.py").exists()] == []
