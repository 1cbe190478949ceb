"""Import a generated 5,000-row participant file through the real upload path: read, check, import.

Prints the time of the whole import (preview + confirmation, invitations handed to Celery) and of each step.
Run from the repository root: python bench/import.py  (SQLite by default, DATABASE_URL for Postgres).
"""

import os
import random
import sys

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


def main():
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
        report(
            rows=ROWS,
            seconds=round(total.seconds, 2),
            check_seconds=round(check.seconds, 2),
            apply_seconds=round(apply.seconds, 2),
            reimport_seconds=round(again.seconds, 2),
            queries=len(queries),
            invitations=result.invitations,
            database=connection.vendor,
        )


if __name__ == "__main__":
    main()
