"""The junior mentors' outcomes (promotion, internal mobility, retention, recognition) and the baseline
rates HR compares them with.

HR records them per mentor in the browser or imports a file. An import is all or nothing: one wrong cell
and nothing is saved, with a report naming each line and what is wrong, so that HR fixes the file and
sends it again.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from .imports import header_key, read_sheet
from .models import OUTCOMES, MentorOutcome, OutcomeBaseline, Participant, Programme

YES = {"yes", "y", "oui", "o", "true", "vrai", "1", "x"}
NO = {"no", "n", "non", "false", "faux", "0"}
COLUMNS = ("email", *OUTCOMES, "recognition")
COLUMN_ALIASES = {
    "e_mail": "email",
    "mail": "email",
    "adresse_e_mail": "email",
    "courriel": "email",
    "promu": "promoted",
    "promue": "promoted",
    "promotion": "promoted",
    "mobilite_interne": "internal_mobility",
    "mobility": "internal_mobility",
    "retained_6": "retained_6_months",
    "present_6_mois": "retained_6_months",
    "toujours_present_6_mois": "retained_6_months",
    "retained_12": "retained_12_months",
    "present_12_mois": "retained_12_months",
    "toujours_present_12_mois": "retained_12_months",
    "reconnaissance": "recognition",
}
RECOGNITION_LIMIT = MentorOutcome._meta.get_field("recognition").max_length
OUTCOME_LABELS = {
    "promoted": gettext_lazy("Promoted"),
    "internal_mobility": gettext_lazy("Internal mobility"),
    "retained_6_months": gettext_lazy("Still with the company at 6 months"),
    "retained_12_months": gettext_lazy("Still with the company at 12 months"),
}


class OutcomeImportError(Exception):
    """The file cannot be read at all (not a spreadsheet, no header): nothing was saved."""


@dataclass
class OutcomeImport:
    """What an import found: the values per mentor, or the errors per line (then nothing is saved)."""

    values: dict = field(default_factory=dict)  # participant id -> {outcome: bool | None, "recognition": str}
    errors: list = field(default_factory=list)  # [(line, message)]

    @property
    def saved(self):
        return not self.errors and bool(self.values)


def mentors(*, programme: Programme):
    """The programme's mentors who took part (invited ones have not), with their names and outcomes."""
    return (
        Participant.objects.filter(programme=programme, role=Participant.Role.MENTOR)
        .exclude(status=Participant.Status.INVITED)
        .select_related("user", "person", "outcome")
        .order_by("person__last_name", "person__first_name", "pk")
    )


@transaction.atomic
def record_outcomes(*, programme: Programme, values: dict, by) -> int:
    """Save the outcomes of mentors of ``programme``: ``values`` maps a participant id to its outcomes.

    Ids of other programmes or of mentees are refused (ValueError): the caller only passes the rows it
    showed. Returns the number of mentors whose row was written.
    """
    participants = {p.pk: p for p in mentors(programme=programme).filter(pk__in=list(values))}
    unknown = set(values) - set(participants)
    if unknown:
        raise ValueError(f"not mentors of this programme: {sorted(unknown)}")
    existing = {o.participant_id: o for o in MentorOutcome.objects.filter(participant_id__in=list(values))}
    to_create, to_update = [], []
    for participant_id, outcome_values in values.items():
        outcome = existing.get(participant_id) or MentorOutcome(
            participant=participants[participant_id], organization_id=programme.organization_id
        )
        for name in (*OUTCOMES, "recognition"):
            setattr(outcome, name, outcome_values.get(name, "" if name == "recognition" else None))
        outcome.updated_by = by
        (to_update if outcome.pk else to_create).append(outcome)
    MentorOutcome.objects.bulk_create(to_create)
    # bulk_update skips auto_now: the time of the change is set here.
    now = timezone.now()
    for outcome in to_update:
        outcome.updated_at = now
    MentorOutcome.objects.bulk_update(to_update, [*OUTCOMES, "recognition", "updated_by", "updated_at"])
    return len(to_create) + len(to_update)


def set_baseline(*, programme: Programme, population: str = "", **rates) -> OutcomeBaseline:
    """Set the baseline rates (percentages, or None when HR does not know one)."""
    baseline, _created = OutcomeBaseline.objects.get_or_create(programme=programme)
    for name in OUTCOMES:
        setattr(baseline, name, rates.get(name))
    baseline.population = population
    baseline.full_clean(exclude=["programme"])
    baseline.save()
    return baseline


def _yes_no(text):
    value = (text or "").strip().lower()
    if not value or value in {"?", "-", "unknown", "inconnu", "ne sait pas", "nsp"}:
        return True, None
    if value in YES:
        return True, True
    if value in NO:
        return True, False
    return False, None


def import_outcomes(*, programme: Programme, upload, by) -> OutcomeImport:
    """Read an outcomes file (CSV or XLSX: an ``email`` column and any of the outcome columns) and save it
    whole, or save nothing and report every wrong line."""
    from .imports import ImportFileError

    try:
        sheet = read_sheet(upload)
    except ImportFileError as error:
        raise OutcomeImportError(str(error)) from None
    if not sheet.lines:
        raise OutcomeImportError(gettext("The file is empty."))
    (_line, header_cells), *lines = sheet.lines
    columns = [COLUMN_ALIASES.get(header_key(cell), header_key(cell)) for cell in header_cells]
    if "email" not in columns or not set(columns) & {*OUTCOMES, "recognition"}:
        raise OutcomeImportError(
            gettext("The first line must name the columns: email, then any of %(columns)s.")
            % {"columns": ", ".join(COLUMNS[1:])}
        )
    if not lines:
        raise OutcomeImportError(gettext("The file has column names but no rows."))
    by_email = {p.user.email.lower(): p for p in mentors(programme=programme)}
    result = OutcomeImport()
    seen = {}
    for line, cells in lines:
        row = dict(zip(columns, cells, strict=False))
        email = (row.get("email") or "").strip().lower()
        participant = by_email.get(email)
        if participant is None:
            result.errors.append(
                (line, gettext("%(email)s is not a mentor of this programme.") % {"email": email or "—"})
            )
            continue
        if participant.pk in seen:
            result.errors.append(
                (
                    line,
                    gettext("%(email)s is already on line %(line)s.")
                    % {"email": email, "line": seen[participant.pk]},
                )
            )
            continue
        seen[participant.pk] = line
        # A column the file does not have keeps what HR recorded before.
        current = getattr(participant, "outcome", None)
        values = {name: getattr(current, name) if current else None for name in OUTCOMES}
        values["recognition"] = current.recognition if current else ""
        for name in OUTCOMES:
            if name not in columns:
                continue
            valid, value = _yes_no(row.get(name))
            if not valid:
                result.errors.append(
                    (
                        line,
                        gettext("“%(value)s” in %(column)s: write yes, no, or leave the cell empty.")
                        % {"value": row.get(name), "column": name},
                    )
                )
            values[name] = value
        if "recognition" in columns:
            recognition = (row.get("recognition") or "").strip()
            if len(recognition) > RECOGNITION_LIMIT or any(ord(char) < 32 for char in recognition):
                result.errors.append(
                    (
                        line,
                        gettext("The recognition is at most %(limit)s characters on one line.")
                        % {"limit": RECOGNITION_LIMIT},
                    )
                )
            values["recognition"] = recognition
        result.values[participant.pk] = values
    if not result.errors:
        record_outcomes(programme=programme, values=result.values, by=by)
    return result
