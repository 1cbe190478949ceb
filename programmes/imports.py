"""Participant files: reading CSV/XLSX uploads, checking every row, importing all or nothing, exporting.

A file is read and checked before anything is written; HR sees each row with its exact errors and
confirms. The import then runs in one transaction with bulk queries (thousands of rows in seconds).
"""

import codecs
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring import spreadsheets
from organizations import audit
from organizations.models import Invitation, Membership, Person
from organizations.people import forget_names
from organizations.signals import invitations_issued
from organizations.tenancy import unscoped
from organizations.validators import has_control_characters, single_line

from .models import Participant, ParticipantImport, ParticipantSkill, Skill

COLUMNS = [
    "email",
    "first_name",
    "last_name",
    "role",
    "department",
    "job_title",
    "location",
    "languages",
    "skills",
    "manager_email",
    "interests",
    "time_zone",
]
# Headers as people write them, in English and French: keys are normalised (``header_key``: lower case,
# no accents, words joined by "_"), so "Prénom", "PRENOM " and "prénom" are one header.
HEADER_ALIASES = {
    **{column: column for column in COLUMNS},
    "e_mail": "email",
    "mail": "email",
    "email_address": "email",
    "e_mail_address": "email",
    "courriel": "email",
    "adresse_e_mail": "email",
    "adresse_email": "email",
    "adresse_mail": "email",
    "adresse_electronique": "email",
    "adresse_courriel": "email",
    "firstname": "first_name",
    "given_name": "first_name",
    "prenom": "first_name",
    "lastname": "last_name",
    "surname": "last_name",
    "family_name": "last_name",
    "nom": "last_name",
    "nom_de_famille": "last_name",
    "name": "name",
    "full_name": "name",
    "nom_complet": "name",
    "prenom_et_nom": "name",
    "nom_et_prenom": "name",
    "title": "job_title",
    "poste": "job_title",
    "fonction": "job_title",
    "intitule_de_poste": "job_title",
    "dept": "department",
    "departement": "department",
    "service": "department",
    "lieu": "location",
    "site": "location",
    "language": "languages",
    "langue": "languages",
    "langues": "languages",
    "competence": "skills",
    "competences": "skills",
    "manager": "manager_email",
    "manager_e_mail": "manager_email",
    "responsable": "manager_email",
    "e_mail_du_responsable": "manager_email",
    "email_du_responsable": "manager_email",
    "courriel_du_responsable": "manager_email",
    "e_mail_du_manager": "manager_email",
    "email_du_manager": "manager_email",
    "interets": "interests",
    "centres_d_interet": "interests",
    "centre_d_interet": "interests",
    "centres_d_interets": "interests",
    "timezone": "time_zone",
    "fuseau": "time_zone",
    "fuseau_horaire": "time_zone",
}
# The column the rejected-rows download adds: read back, it is neither a value nor an unknown column.
ERROR_HEADERS = {"error", "errors", "erreur", "erreurs"}
ROLE_ALIASES = {
    "mentor": Participant.Role.MENTOR,
    "mentee": Participant.Role.MENTEE,
    "mentoré": Participant.Role.MENTEE,
    "mentore": Participant.Role.MENTEE,
    "mentorée": Participant.Role.MENTEE,
    "mentoree": Participant.Role.MENTEE,
}
LANGUAGE_CODES = sorted(code for code in LANG_INFO if len(code) == 2 and "name" in LANG_INFO[code])
LIST_SEPARATORS = re.compile(r"[;,|/]")
# Validated or looked up as e-mail addresses, which no address with a control character passes.
ADDRESS_COLUMNS = {"email", "manager_email"}
TEXT_LIMITS = {"first_name": 150, "last_name": 150, "department": 120, "job_title": 120, "location": 120}
LATIN_1 = spreadsheets.LATIN_1
UTF_16 = spreadsheets.UTF_16
# Names as IANA writes them, looked up whatever the case a file gives them in.
TIME_ZONES = {name.lower(): name for name in zoneinfo.available_timezones() if "/" in name or name == "UTC"}
QUERY_CHUNK = 900


class ImportFileError(Exception):
    """A file that cannot be read at all; the message says why and what to do."""


@dataclass
class ParsedFile:
    rows: list  # [{"line": n, "values": {column: text}, "cells": [the row's cells as in the file]}]
    headers: list  # the header line as written in the file
    ignored: list  # the headers no column of the import takes
    sheet: spreadsheets.Sheet

    @property
    def encoding_notice(self):
        return self.sheet.encoding


def read_upload(upload):
    """Turn an uploaded file into rows of text, or raise ImportFileError with a clear message.

    The limits (IMPORT_MAX_* settings) are checked before the file is parsed, and the apostrophe the
    exports put before text a spreadsheet would run is taken off, so an export imports back unchanged.
    Every message is ours: whatever a reader raises, the person never sees Python's words.
    """
    return _parse(read_sheet(upload))


def read_sheet(upload):
    """The uploaded CSV or XLSX file as a ``spreadsheets.Sheet``, or ImportFileError with a clear message."""
    limits = spreadsheets.Limits.from_settings()
    if upload.size > limits.upload_bytes:
        raise ImportFileError(spreadsheets.too_large_message(upload.size, limits))
    content = upload.read()
    if not content.strip():
        raise ImportFileError(gettext("The file is empty."))
    name = (upload.name or "").lower()
    try:
        if content.startswith(b"PK\x03\x04"):
            return spreadsheets.read_xlsx(content, limits)
        if name.endswith(".xls") or content.startswith(b"\xd0\xcf\x11\xe0"):
            raise ImportFileError(
                gettext("Old Excel files (.xls) cannot be read: save the file as .xlsx or CSV.")
            )
        utf_16 = content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        if (not utf_16 and b"\x00" in content[:4096]) or name.endswith(
            (".pdf", ".docx", ".png", ".jpg", ".zip")
        ):
            raise ImportFileError(gettext("This file is neither a CSV nor an Excel (.xlsx) file."))
        return spreadsheets.read_csv(content, limits)
    except spreadsheets.UnreadableSpreadsheet as error:
        raise ImportFileError(str(error)) from None


def header_key(header):
    """A header as compared: "  Adresse E-mail " and "adresse_e-mail" are the same, so are "Prénom" and
    "PRENOM"."""
    text = unicodedata.normalize("NFKD", (header or "").strip().lower())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _normalise_header(header):
    key = header_key(header)
    return HEADER_ALIASES.get(key, key)


def _parse(sheet):
    """The sheet's rows as the import's columns, each with its line number in the file."""
    if not sheet.lines:
        raise ImportFileError(gettext("The file is empty."))
    (_header_line, header_cells), *lines = sheet.lines
    headers = [(cell or "").strip() for cell in header_cells]
    columns = [_normalise_header(header) for header in headers]
    missing = [column for column in ("email", "role") if column not in columns]
    if missing:
        raise ImportFileError(
            gettext(
                "The first line must name the columns. Missing: %(missing)s. Expected columns: %(columns)s."
            )
            % {"missing": ", ".join(missing), "columns": ", ".join(COLUMNS)}
        )
    if not lines:
        raise ImportFileError(gettext("The file has column names but no rows."))
    if len(lines) > settings.IMPORT_MAX_ROWS:
        raise ImportFileError(spreadsheets.too_many_rows_message(len(lines), settings.IMPORT_MAX_ROWS))
    taken = set(COLUMNS) | {"name"}
    ignored = [
        header
        for header, column in zip(headers, columns, strict=True)
        if header and column not in taken and header_key(header) not in ERROR_HEADERS
    ]
    rows = []
    for line, cells in lines:
        values = {column: "" for column in COLUMNS}
        for column, cell in zip(columns, cells, strict=False):
            # The first column of a name wins: a second "E-mail" column is not read over it.
            if (column in values or column == "name") and not values.get(column):
                values[column] = (cell or "").strip()
        full_name = values.pop("name", "")
        if full_name and not (values["first_name"] or values["last_name"]):
            values["first_name"], _space, values["last_name"] = full_name.partition(" ")
        rows.append({"line": line, "values": values, "cells": list(cells)})
    return ParsedFile(rows=rows, headers=headers, ignored=list(dict.fromkeys(ignored)), sheet=sheet)


def split_list(text):
    return [item.strip() for item in LIST_SEPARATORS.split(text or "") if item.strip()]


def parse_skills(text):
    """'AI tools:3; Data literacy' -> [("AI tools", 3), ("Data literacy", 2)] (level text kept if bad)."""
    text = text or ""
    items = re.split(r"[;|]", text) if ";" in text or "|" in text else text.split(",")
    entries = []
    for item in items:
        item = item.strip()
        if not item:
            continue
        name, _colon, level = item.rpartition(":") if ":" in item else (item, "", "2")
        entries.append((name.strip(), level.strip() or "2"))
    return entries


def _chunks(values, size=QUERY_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Context:
    """What checking and importing need, loaded once for the whole file (a few queries, not per row)."""

    def __init__(self, organization, rows):
        User = get_user_model()
        emails = {row["values"]["email"].lower() for row in rows if row["values"]["email"]}
        managers = {row["values"]["manager_email"].lower() for row in rows if row["values"]["manager_email"]}
        # A skill is recognised by its French or its English name, whichever the spreadsheet uses.
        active = list(Skill.objects.filter(is_active=True))
        self.skills = {skill.name_en.lower(): skill for skill in active if skill.name_en}
        self.skills.update({skill.name.lower(): skill for skill in active})
        self.users = {}
        for chunk in _chunks(emails | managers):
            self.users.update({user.email.lower(): user for user in User.objects.filter(email__in=chunk)})
        self.member_ids = set()
        for chunk in _chunks(emails | managers):
            self.member_ids.update(
                Membership.objects.filter(user__email__in=chunk).values_list("user_id", flat=True)
            )
        self.file_emails = emails
        self.organization = organization


def check_rows(organization, rows):
    """Every row with the exact list of what is wrong with it (an empty list: the row is valid)."""
    context = _Context(organization, rows)
    seen = {}
    checked = []
    for row in rows:
        values = dict(row["values"])
        values["email"] = values["email"].lower()
        values["manager_email"] = values["manager_email"].lower()
        errors = []
        email = values["email"]
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                gettext("Bad e-mail address: “%(value)s”.") % {"value": email}
                if email
                else gettext("E-mail missing.")
            )
        else:
            if email in seen:
                errors.append(
                    gettext("Duplicate: %(email)s is already on line %(line)s.")
                    % {"email": email, "line": seen[email]}
                )
            else:
                seen[email] = row["line"]
        role = ROLE_ALIASES.get(values["role"].strip().lower())
        if role is None:
            errors.append(
                gettext("Unknown role “%(value)s”: write mentor or mentee.") % {"value": values["role"]}
                if values["role"]
                else gettext("Role missing: write mentor or mentee.")
            )
        else:
            values["role"] = role
        for column in COLUMNS:
            # Names and places reach e-mail subjects and calendars, where a line break forges a header.
            if column not in ADDRESS_COLUMNS and has_control_characters(values[column]):
                errors.append(
                    gettext(
                        "%(column)s contains a line break, a tab or another invisible control character: "
                        "keep it on one line."
                    )
                    % {"column": column}
                )
        for column, limit in TEXT_LIMITS.items():
            if len(values[column]) > limit:
                errors.append(
                    gettext("%(column)s is longer than %(limit)s characters.")
                    % {"column": column, "limit": limit}
                )
        languages = [code.lower() for code in split_list(values["languages"])]
        for code in languages:
            if code not in LANG_INFO or len(code) != 2:
                errors.append(
                    gettext("Unknown language code “%(code)s” (use ISO codes such as fr, en).")
                    % {"code": code}
                )
        values["languages"] = ",".join(dict.fromkeys(languages))
        values["interests"] = ",".join(dict.fromkeys(tag.lower() for tag in split_list(values["interests"])))
        if values["time_zone"]:
            zone = TIME_ZONES.get(values["time_zone"].lower())
            if zone is None:
                errors.append(
                    gettext("Unknown time zone “%(value)s” (use a name such as Europe/Paris).")
                    % {"value": values["time_zone"]}
                )
            else:
                values["time_zone"] = zone
        skills = []
        for name, level in parse_skills(values["skills"]):
            if name.lower() not in context.skills:
                errors.append(gettext("Unknown skill “%(name)s”.") % {"name": name})
            elif level not in ("1", "2", "3"):
                errors.append(gettext("Skill level for “%(name)s” must be 1, 2 or 3.") % {"name": name})
            else:
                skills.append(f"{context.skills[name.lower()].name}:{level}")
        values["skills"] = "; ".join(skills) if not errors else values["skills"]
        manager = values["manager_email"]
        if manager:
            if manager == email:
                errors.append(gettext("A person cannot be their own manager."))
            elif manager not in context.file_emails and (
                manager not in context.users or context.users[manager].pk not in context.member_ids
            ):
                errors.append(
                    gettext(
                        "Manager not found: %(email)s is neither in the file nor a member of "
                        "the organisation."
                    )
                    % {"email": manager}
                )
        checked.append(
            {"line": row["line"], "values": values, "errors": errors, "cells": row.get("cells", [])}
        )
    return checked


@transaction.atomic
def prepare_import(*, programme, upload, uploaded_by):
    """Read and check an uploaded file; nothing about people is written, only the preview."""
    parsed = read_upload(upload)
    return ParticipantImport.objects.create(
        programme=programme,
        uploaded_by=uploaded_by,
        filename=single_line(upload.name)[:255],
        rows=check_rows(programme.organization, parsed.rows),
        notice=parsed.encoding_notice,
        sheet=single_line(parsed.sheet.name)[:31],
        delimiter=parsed.sheet.delimiter,
        headers=[single_line(header) for header in parsed.headers],
        ignored_columns=[single_line(header) for header in parsed.ignored],
        merged_cells=parsed.sheet.merged,
    )


@dataclass
class ImportResult:
    created: int
    updated: int
    invitations: int
    rejected: int = 0


@transaction.atomic
def apply_import(*, participant_import, invited_by, only_valid=False):
    """Import every row or none: people are created or updated, invitations go out after commit.

    With ``only_valid``, HR chose to import the valid rows and leave the others out: the rows left out
    stay on the import, with their errors, for the rejected-rows download.
    """
    participant_import = ParticipantImport.objects.select_for_update().get(pk=participant_import.pk)
    if participant_import.status == ParticipantImport.Status.APPLIED:
        raise ValidationError(_("This file has already been imported."))
    programme = participant_import.programme
    organization = programme.organization
    if only_valid:
        rows, rejected = _valid_rows(participant_import, organization)
    else:
        rows, rejected = _recheck_rows(participant_import, organization), []
    context = _Context(organization, rows)
    users = context.users
    _create_accounts(organization, rows, users)
    renamed_ids = _record_names(organization, rows, users)
    created, updated, changed = _stage_participants(programme, rows, users)
    _insert_participants(programme, created)
    Participant.objects.bulk_update(changed, PROFILE_FIELDS, batch_size=500)
    reskilled = _skills_changed(updated)
    _remove_skills(reskilled)
    _add_skills(organization, [p for p in created if p._import_skills] + reskilled, context.skills)
    invitation_ids = _invite_newcomers(organization, rows, users, invited_by)
    # "Updated" counts the people a row changed: re-importing an export reports nothing to do.
    updated_count = len(
        {p.pk for p in changed + reskilled} | {p.pk for p in updated if p.user_id in renamed_ids}
    )
    _mark_applied(
        participant_import,
        sorted(rows + rejected, key=lambda row: row["line"]),
        created=len(created),
        updated=updated_count,
    )
    if invitation_ids:
        invitations_issued.send(sender=Invitation, organization=organization, invitation_ids=invitation_ids)
    audit.record_for_request(
        audit.Action.IMPORT_RUN,
        organization=organization,
        target=programme,
        details={
            "file": participant_import.filename,
            "rows": len(rows) + len(rejected),
            "applied": len(rows),
            "rejected": len(rejected),
            "created": len(created),
            "updated": updated_count,
            "invitations": len(invitation_ids),
        },
    )
    return ImportResult(
        created=len(created), updated=updated_count, invitations=len(invitation_ids), rejected=len(rejected)
    )


def _as_read(rows):
    return [{"line": row["line"], "values": row["values"], "cells": row.get("cells", [])} for row in rows]


def _valid_rows(participant_import, organization):
    """(the rows to import, the rows left out with their errors), checked again against today's data.

    Leaving a row out can invalidate another (its manager was that row's person), so the valid rows are
    checked again until none fails; a row is only ever left out, so this ends.
    """
    rows, rejected = check_rows(organization, _as_read(participant_import.rows)), []
    while any(row["errors"] for row in rows):
        rejected += [row for row in rows if row["errors"]]
        rows = check_rows(organization, _as_read([row for row in rows if not row["errors"]]))
    if not rows:
        participant_import.rows = sorted(rejected, key=lambda row: row["line"])
        participant_import.save(update_fields=["rows"])
        raise ValidationError(_("No row is valid: nothing was imported. Fix the file and upload it again."))
    return rows, rejected


def _recheck_rows(participant_import, organization):
    """The stored rows checked again against today's data; with any error, they are saved and refused."""
    rows = check_rows(organization, _as_read(participant_import.rows))
    if not rows or any(row["errors"] for row in rows):
        participant_import.rows = rows
        participant_import.save(update_fields=["rows"])
        raise ValidationError(
            _("Some rows have errors: nothing was imported. Fix the file and upload it again.")
        )
    return rows


def _create_accounts(organization, rows, users):
    """An account for each address of the file that has none, added to ``users`` (e-mail -> user).

    Accounts belong to the people: a new one starts with no name (the person gives theirs when they
    accept), and an existing one is never touched. What HR typed goes to the organisation's record.
    """
    User = get_user_model()
    new_users = [
        User(
            email=row["values"]["email"],
            password=make_password(None),
            language=organization.default_language,
            time_zone=organization.time_zone,
        )
        for row in rows
        if row["values"]["email"] not in users
    ]
    User.objects.bulk_create(new_users, batch_size=500)
    if new_users and new_users[0].pk is None:  # databases that do not return ids
        for chunk in _chunks([user.email for user in new_users]):
            users.update({user.email: user for user in User.objects.filter(email__in=chunk)})
    else:
        users.update({user.email: user for user in new_users})


def _stage_participants(programme, rows, users):
    """Each row's participant, new or existing, with the row's profile set (nothing saved yet).

    Returns (created, updated, changed): the new ones, the existing ones, and those of the existing
    ones whose profile the row changes.
    """
    existing = {}
    for chunk in _chunks([user.pk for user in users.values()]):
        existing.update(
            {p.user_id: p for p in Participant.objects.filter(programme=programme, user_id__in=chunk)}
        )
    created, updated, changed = [], [], []
    for row in rows:
        values = row["values"]
        user = users[values["email"]]
        participant = existing.get(user.pk)
        if participant is None:
            participant = Participant(organization=programme.organization, programme=programme, user=user)
            created.append(participant)
        else:
            updated.append(participant)
        before = _profile_fields(participant)
        _fill_profile(participant, values, users)
        if participant.pk is not None and _profile_fields(participant) != before:
            changed.append(participant)
    return created, updated, changed


def _fill_profile(participant, values, users):
    """Set what a row says of the participant; blank cells leave an existing profile as it is."""
    participant.role = values["role"]
    for column in ("department", "job_title", "location"):
        if values[column] or participant.pk is None:
            setattr(participant, column, values[column])
    if values["languages"]:
        participant.languages = values["languages"].split(",")
    if values["manager_email"]:
        participant.manager = users[values["manager_email"]]
    if values["interests"]:
        participant.interests = values["interests"].split(",")
    if values["time_zone"]:
        participant.time_zone = values["time_zone"]
    participant._import_skills = values["skills"]


def _insert_participants(programme, created):
    """Save the new participants in bulk, and give them their ids where the database returns none."""
    Participant.objects.bulk_create(created, batch_size=500)
    if created and created[0].pk is None:
        by_user = {}
        for chunk in _chunks([p.user_id for p in created]):
            by_user.update(
                {p.user_id: p.pk for p in Participant.objects.filter(programme=programme, user_id__in=chunk)}
            )
        for participant in created:
            participant.pk = participant.id = by_user[participant.user_id]


def _skills_changed(updated):
    """The existing participants whose row lists other skills (or levels) than they have now."""
    current_skills = {}
    for chunk in _chunks([p.pk for p in updated if p._import_skills]):
        for participant_id, name, level in ParticipantSkill.objects.filter(
            participant_id__in=chunk
        ).values_list("participant_id", "skill__name", "level"):
            current_skills.setdefault(participant_id, set()).add((name.lower(), str(level)))
    return [
        p
        for p in updated
        if p._import_skills
        and current_skills.get(p.pk, set())
        != {(name.lower(), level) for name, level in parse_skills(p._import_skills)}
    ]


def _remove_skills(participants):
    for chunk in _chunks([p.pk for p in participants]):
        ParticipantSkill.objects.filter(participant_id__in=chunk).delete()


def _add_skills(organization, participants, skills):
    """Give each participant the skills of their row (``skills``: lower-case name -> Skill)."""
    ParticipantSkill.objects.bulk_create(
        [
            ParticipantSkill(
                organization=organization,
                participant=participant,
                skill=skills[name.lower()],
                level=int(level),
            )
            for participant in participants
            for name, level in parse_skills(participant._import_skills)
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


def _mark_applied(participant_import, rows, *, created, updated):
    participant_import.rows = rows
    participant_import.status = ParticipantImport.Status.APPLIED
    participant_import.applied_at = timezone.now()
    participant_import.created_count = created
    participant_import.updated_count = updated
    participant_import.rejected_count = sum(1 for row in rows if row["errors"])
    participant_import.save()


def _record_names(organization, rows, users):
    """Write the names of the file into the organisation's records of these people, and nowhere else.

    Returns the ids of the people whose record changed."""
    records = {}
    for chunk in _chunks([user.pk for user in users.values()]):
        records.update({person.user_id: person for person in Person.objects.filter(user_id__in=chunk)})
    new_records, renamed = [], []
    for row in rows:
        values = row["values"]
        user = users[values["email"]]
        person = records.get(user.pk)
        if person is None:
            person = Person(organization=organization, user=user)
            records[user.pk] = person
            new_records.append(person)
        changed = False
        for field in ("first_name", "last_name"):
            if values[field] and getattr(person, field) != values[field]:
                setattr(person, field, values[field])
                changed = True
        if changed and person.pk is not None:
            renamed.append(person)
    Person.objects.bulk_create(new_records, batch_size=500)
    Person.objects.bulk_update(renamed, ["first_name", "last_name"], batch_size=500)
    forget_names()
    return {person.user_id for person in renamed}


PROFILE_FIELDS = [
    "role",
    "department",
    "job_title",
    "location",
    "languages",
    "manager",
    "interests",
    "time_zone",
]


def _profile_fields(participant):
    return tuple(getattr(participant, "manager_id" if name == "manager" else name) for name in PROFILE_FIELDS)


def _invite_newcomers(organization, rows, users, invited_by):
    """Invite (in bulk) everyone who does not yet hold their programme role in the organisation."""
    user_ids = [user.pk for user in users.values()]
    held = set()
    for chunk in _chunks(user_ids):
        held.update(Membership.objects.filter(user_id__in=chunk).values_list("user_id", "role"))
    wanted = {(row["values"]["email"], row["values"]["role"]) for row in rows}
    wanted = {(email, role) for email, role in wanted if (users[email].pk, role) not in held}
    pending = set()
    for chunk in _chunks({email for email, _role in wanted}):
        pending.update(
            Invitation.objects.filter(email__in=chunk, accepted_at=None, revoked_at=None).values_list(
                "email", "role"
            )
        )
    invitations = [
        Invitation(organization=organization, email=email, role=role, invited_by=invited_by)
        for email, role in sorted(wanted - pending)
    ]
    Invitation.objects.bulk_create(invitations, batch_size=500)
    if invitations and invitations[0].pk is None:
        emails = [invitation.email for invitation in invitations]
        return list(
            Invitation.objects.filter(
                email__in=emails, accepted_at=None, revoked_at=None, sent_at=None
            ).values_list("pk", flat=True)
        )
    return [invitation.pk for invitation in invitations]


EXPORT_HEADERS = COLUMNS + ["status", "availability", "enrolled_at"]


def _skills(participant):
    """The participant's skills: the list ``selectors.participant_list`` prefetched, else a query."""
    listed = getattr(participant, "listed_skills", None)
    return participant.skills.all() if listed is None else listed


def export_rows(participants):
    """The participants as rows of text, the import's columns first (an export can be re-imported)."""
    yield EXPORT_HEADERS
    for participant in participants:
        skills = "; ".join(f"{ps.skill.name}:{ps.level}" for ps in _skills(participant))
        yield [
            _cell_text(value)
            for value in (
                participant.user.email,
                participant.person.first_name if participant.person else "",
                participant.person.last_name if participant.person else "",
                participant.role,
                participant.department,
                participant.job_title,
                participant.location,
                ",".join(participant.languages),
                skills,
                participant.manager.email if participant.manager else "",
                ",".join(participant.interests),
                participant.time_zone,
                participant.status,
                ",".join(participant.availability),
                participant.enrolled_at.isoformat() if participant.enrolled_at else "",
            )
        ]


def _cell_text(value):
    return "" if value is None else str(value)


def rejected_rows(participant_import):
    """The rows an import left out, in the file's own columns, plus one with their errors: HR fixes them in
    this file and uploads it again (the error column is not read back)."""
    headers = list(participant_import.headers)
    yield [*headers, gettext("Error")]
    for row in participant_import.invalid_rows:
        cells = [_cell_text(cell) for cell in row.get("cells", [])][: len(headers)]
        yield [*cells, *[""] * (len(headers) - len(cells)), " ".join(row["errors"])]


def rejected_csv(participant_import):
    return spreadsheets.csv_bytes(rejected_rows(participant_import), delimiter=participant_import.delimiter)


def rejected_xlsx(participant_import):
    return spreadsheets.xlsx_bytes(
        rejected_rows(participant_import), title=participant_import.sheet or _("Participants")
    )


def export_csv(participants):
    """Every cell inert in a spreadsheet (mentoring.spreadsheets), e-mail addresses included: the import
    takes the protective apostrophe off again."""
    return spreadsheets.csv_bytes(export_rows(participants))


def export_xlsx(participants):
    return spreadsheets.xlsx_bytes(export_rows(participants), title=_("Participants"))


@transaction.atomic
def add_person(*, programme, values, invited_by):
    """HR adds one person by hand: the same checks and effects as a one-row import (update, invitation)."""
    row_values = {column: str(values.get(column) or "").strip() for column in COLUMNS}
    rows = check_rows(programme.organization, [{"line": 1, "values": row_values}])
    if rows[0]["errors"]:
        raise ValidationError(rows[0]["errors"])
    participant_import = ParticipantImport.objects.create(
        programme=programme, uploaded_by=invited_by, filename="", rows=rows
    )
    return apply_import(participant_import=participant_import, invited_by=invited_by)


def purge_old_imports(*, now=None):
    """Delete import records older than IMPORT_RETENTION_DAYS, previews and applied files alike."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPORT_RETENTION_DAYS)
    with unscoped("the retention purge runs over every organisation's old uploads"):
        deleted, _by_model = ParticipantImport.objects.filter(created_at__lt=cutoff).delete()
    return deleted
