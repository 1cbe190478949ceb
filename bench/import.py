"""Import a generated 5,000-row participant file through the real upload path: read, check, import.

Prints the time of the whole import (preview + confirmation, invitations handed to Celery) and of each step.
Then the import's limits (IMPORT_MAX_* settings): the largest CSV and XLSX files they admit are read, and
spreadsheet bombs are refused, each in a fresh process that reports its time and peak memory (the whole
process, Django included). The JSON line carries ``max_file_parse_seconds`` and ``max_file_peak_mb`` (the
worse of CSV and XLSX) and ``bomb_refused_seconds`` (the slowest bomb).
Run from the repository root: python bench/import.py  (SQLite by default, DATABASE_URL for Postgres);
``--limits`` runs only the second part.
"""

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.harness import Timer, bench_database, report  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", 5000))


def generate_csv(rows, skill_names):
    random.seed(42)
    departments = ["Finance", "Marketing", "IT", "Ventes", "Production", "Ressources humaines", "Juridique"]
    lines = ["email,first_name,last_name,role,department,job_title,location,languages,skills,manager_email"]
    for number in range(rows):
        role = "mentor" if number % 2 else "mentee"
        skills = "; ".join(f"{name}:{random.randint(1, 3)}" for name in random.sample(skill_names, 3))
        manager = f"person{number - 7}@bench.example" if number >= 7 and number % 5 == 0 else ""
        lines.append(
            f"person{number}@bench.example,Prénom{number},Nom{number},{role},{random.choice(departments)},"
            f'Poste {number},Paris,fr;en,"{skills}",{manager}'
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def import_figures():
    with bench_database():
        from django.conf import settings
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        # Measure the web request's work: with a broker, the invitations go out in workers afterwards.
        from mentoring.celery import app

        app.conf.task_always_eager = False
        app.conf.broker_url = "memory://"

        from accounts.models import User
        from organizations.models import Membership, Organization
        from organizations.tenancy import tenant_context
        from programmes import imports
        from programmes.models import Participant, Programme, Skill
        from programmes.services import ensure_default_taxonomy

        organization = Organization.objects.create(name="Bench", slug="bench", default_language="en")
        ensure_default_taxonomy(organization)
        hr = User.objects.create_user(email="hr@bench.example")
        with tenant_context(organization):
            Membership.objects.create(organization=organization, user=hr, role="hr_admin")
            skill_names = list(Skill.objects.values_list("name", flat=True))
            programme = Programme.objects.create(
                name="Bench", start_date="2030-01-01", end_date="2030-12-31", charter="x"
            )
            content = generate_csv(ROWS, skill_names)
            upload = SimpleUploadedFile("bench.csv", content)
            with CaptureQueriesContext(connection) as queries, Timer() as total:
                with Timer() as check:
                    participant_import = imports.prepare_import(
                        programme=programme, upload=upload, uploaded_by=hr
                    )
                assert participant_import.is_valid, participant_import.invalid_rows[:3]
                with Timer() as apply:
                    result = imports.apply_import(participant_import=participant_import, invited_by=hr)
            assert Participant.objects.filter(programme=programme).count() == ROWS
            reimport = SimpleUploadedFile("bench.csv", content)
            with Timer() as again:
                imports.apply_import(
                    participant_import=imports.prepare_import(
                        programme=programme, upload=reimport, uploaded_by=hr
                    ),
                    invited_by=hr,
                )
            assert Participant.objects.filter(programme=programme).count() == ROWS
        print(
            f"{ROWS} rows, {len(content) / 1024:.0f} KiB: checked in {check.seconds:.2f} s, "
            f"imported in {apply.seconds:.2f} s ({len(queries)} queries), "
            f"re-imported in {again.seconds:.2f} s"
        )
        return dict(
            rows=ROWS,
            seconds=round(total.seconds, 2),
            check_seconds=round(check.seconds, 2),
            apply_seconds=round(apply.seconds, 2),
            reimport_seconds=round(again.seconds, 2),
            queries=len(queries),
            invitations=result.invitations,
            database=connection.vendor,
        )


def _peak_mb():
    """The process's resident memory high-water mark (VmHWM: unlike ru_maxrss, not inherited from the
    parent across exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def parse_in_this_process(path):
    """Child process: read one file as an upload is read, print time and peak memory as JSON."""
    import django

    django.setup()
    import openpyxl  # noqa: F401 (every web worker has loaded it already: not part of a file's cost)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from programmes import imports

    with open(path, "rb") as source:
        upload = SimpleUploadedFile(os.path.basename(path), source.read())
    before = _peak_mb()
    start, cpu_start = time.perf_counter(), time.process_time()
    try:
        rows, refusal = len(imports.read_upload(upload).rows), ""
    except imports.ImportFileError as error:
        rows, refusal = 0, str(error)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "peak_mb": _peak_mb(),
                "base_mb": before,
                "rows": rows,
                "refusal": refusal,
            }
        )
    )


def _measure(name, content):
    with tempfile.NamedTemporaryFile(suffix=name, delete=False) as file:
        file.write(content)
    try:
        output = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--parse", file.name],
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        ).stdout
    finally:
        os.unlink(file.name)
    return json.loads(output.strip().splitlines()[-1])


def _unpacked(content):
    import io
    import zipfile

    return sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(content)).infolist())


def _largest(limits, build, fits, size=len, budget=None):
    """The longest cells for which the whole file still fits every limit: the size grows about linearly
    with the cells' length, so two samples give the estimate, then it is shortened until it fits."""
    budget = budget or limits.upload_bytes
    small, large = 8, 40
    size_small, size_large = size(build(small)), size(build(large))
    per_char = (size_large - size_small) / (large - small)
    length = int(small + (budget - size_small) / per_char)
    length = max(1, min(length, limits.cell_chars))
    while length > 1:
        content = build(length)
        if fits(content):
            return length, content
        length = int(length * 0.97)
    raise AssertionError("no file fits the limits")


def limits_figures():
    import django

    django.setup()
    from mentoring import spreadsheets
    from tests.programmes import spreadsheet_files as files

    limits = spreadsheets.Limits.from_settings()
    xlsx_columns = min(limits.columns, limits.cells // limits.lines)

    def table(length, columns, compressible=False):
        return files.largest_rows(limits.rows, columns, length, compressible=compressible)

    def csv_fits(content):
        if len(content) > limits.upload_bytes:
            return False
        try:
            spreadsheets.read_csv(content, limits)
        except spreadsheets.UnreadableSpreadsheet:
            return False
        return True

    def xlsx_fits(content):
        if len(content) > limits.upload_bytes:
            return False
        try:
            spreadsheets.check_xlsx(content, limits)
        except spreadsheets.UnreadableSpreadsheet:
            return False
        return True

    largest = {
        "csv": (
            limits.columns,
            _largest(limits, lambda length: files.csv_bytes(table(length, limits.columns)), csv_fits),
        ),
        "xlsx": (
            xlsx_columns,
            _largest(
                limits, lambda length: files.shared_strings_workbook(table(length, xlsx_columns)), xlsx_fits
            ),
        ),
        "xlsx, compressible": (
            xlsx_columns,
            _largest(
                limits,
                lambda length: files.shared_strings_workbook(table(length, xlsx_columns, compressible=True)),
                xlsx_fits,
                size=_unpacked,
                budget=limits.uncompressed_bytes,
            ),
        ),
    }
    measured = {}
    for kind, (columns, (length, content)) in largest.items():
        figures = _measure(f".{kind.split(',')[0]}", content)
        assert figures["rows"] == limits.rows, figures
        measured[kind] = figures
        print(
            f"largest {kind.upper()} admitted: {limits.rows} rows x {columns} columns of {length} characters, "
            f"{len(content) / 1024 / 1024:.1f} MB: read in {figures['seconds']:.2f} s "
            f"({figures['cpu_seconds']:.2f} s of CPU), "
            f"peak {figures['peak_mb']:.0f} MB (process before reading: {figures['base_mb']:.0f} MB)"
        )
    bombs = {
        "declared A1:XFD1048576": files.declared_dimension_bomb(),
        "one row at line 1048576": files.far_row_bomb(),
        "3 million shared strings": files.shared_strings_bomb(3_000_000),
        "100 MB of zeros in one member": files.high_ratio_member(100 * 1024 * 1024),
        "5000 zip members": files.many_members(5000),
    }
    refused = {}
    for name, content in bombs.items():
        figures = _measure(".xlsx", content)
        assert figures["refusal"], name
        refused[name] = figures["seconds"]
        print(
            f"bomb {name}, {len(content) / 1024:.0f} KB: refused in {figures['seconds']:.3f} s, "
            f"peak {figures['peak_mb']:.0f} MB ({figures['refusal'][:50]}...)"
        )
    return dict(
        limits={
            "rows": limits.rows,
            "columns": limits.columns,
            "cells": limits.cells,
            "upload_mb": round(limits.upload_bytes / 1024 / 1024, 1),
            "uncompressed_mb": round(limits.uncompressed_bytes / 1024 / 1024, 1),
        },
        max_file_parse_seconds=round(max(figures["seconds"] for figures in measured.values()), 2),
        max_file_parse_cpu_seconds=round(max(figures["cpu_seconds"] for figures in measured.values()), 2),
        max_file_peak_mb=round(max(figures["peak_mb"] for figures in measured.values())),
        max_csv_parse_seconds=round(measured["csv"]["seconds"], 2),
        max_xlsx_parse_seconds=round(
            max(measured["xlsx"]["seconds"], measured["xlsx, compressible"]["seconds"]), 2
        ),
        bomb_refused_seconds=round(max(refused.values()), 3),
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--parse"]:
        parse_in_this_process(sys.argv[2])
    elif sys.argv[1:2] == ["--limits"]:
        report(**limits_figures())
    else:
        figures = import_figures()
        figures.update(limits_figures())
        report(**figures)
