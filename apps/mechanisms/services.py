"""Writes on participations that are more than one save: a role transition for several participants at once,
and a bulk add from a pasted list of states. Each checks the acting user's permissions, validates every row
with the model rules (the standing-role rule on all the rows together), and writes all or nothing as one
change set in the edit history."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.curation.history import recording
from apps.curation.models import ChangeSet, Citation
from apps.curation.partial_dates import PartialDate
from apps.states.models import State, StateName

from .models import Participation

PERMISSIONS = ("mechanisms.add_participation", "mechanisms.change_participation")


class ParticipationChangeRefused(Exception):
    """Nothing was written; ``reasons`` says why, one line per problem."""

    def __init__(self, reasons):
        self.reasons = list(reasons)
        super().__init__("; ".join(self.reasons))


def _check_permissions(user, citing):
    needed = (*PERMISSIONS, *(("curation.add_citation",) if citing else ()))
    missing = [perm for perm in needed if not user.has_perm(perm)]
    if missing:
        raise ParticipationChangeRefused([f"{user} lacks the permission(s) {', '.join(missing)}."])


def _date(text, label):
    try:
        return str(PartialDate.parse_written(text))
    except ValueError as error:
        raise ParticipationChangeRefused([f"{label}: {error}"]) from None


def _validate(rows, ended=()):
    """Every problem of the rows to write, with the standing-role rule applied to all of them together."""
    problems = []
    by_mechanism = {}
    for row in [*ended, *rows]:
        by_mechanism.setdefault(row.mechanism_id, []).append(row)
    for mechanism_id, together in by_mechanism.items():
        for row, message in Participation.validate_together(mechanism_id, together):
            problems.append(f"{row.participant} as {row.get_role_display().lower()}: {message}")
    for row in [*ended, *rows]:
        row._checked_with_siblings = True
        try:
            row.full_clean()
        except ValidationError as error:
            problems.extend(f"{row.participant}: {message}" for message in error.messages)
    return problems


def _write(rows, ended, *, user, reason, source, locator):
    with transaction.atomic(), recording(kind=ChangeSet.Kind.EDIT, user=user, reason=reason):
        for row in [*ended, *rows]:
            row.save()
        if source is not None:
            for row in rows:
                Citation.objects.create(source=source, locator=locator, subject=row)


def transition_roles(*, participations, role, on, user, reason="", source=None, locator=""):
    """End each participation on ``on`` and give its participant ``role`` from that same date (a transition,
    see models.TRANSITION_RULE), e.g. expected member → member from 2013-06-05. Returns the new rows."""
    _check_permissions(user, source is not None)
    day = _date(on, "The date of the change")
    labels = dict(Participation.Role.choices)
    if role not in labels:
        raise ParticipationChangeRefused([f"'{role}' is not a role."])
    problems, ended, rows = [], [], []
    for old in participations:
        if old.role == role:
            problems.append(f"{old}: is already {labels[role].lower()}.")
            continue
        if old.end:
            problems.append(f"{old}: already ended on {old.end}; a role that has ended cannot change.")
            continue
        old.end = day
        ended.append(old)
        rows.append(Participation(mechanism=old.mechanism, state=old.state, organization=old.organization,
                                  role=role, as_written=old.as_written, start=day))
    if not ended and not problems:
        problems.append("Choose at least one participation.")
    problems += [] if problems else _validate(rows, ended)
    if problems:
        raise ParticipationChangeRefused(problems)
    reason = reason or f"{len(rows)} participation(s) became {labels[role].lower()} from {day}"
    _write(rows, ended, user=user, reason=reason, source=source, locator=locator)
    return rows


# ----- bulk add ------------------------------------------------------------------------------------

def _key(text):
    """A name as it is compared: accents, case, punctuation and a leading 'the' do not matter."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def state_index():
    """{compared name: state} of every state's name, official name, codes and names over time (former names,
    the review's spellings), read in two queries."""
    index = {}
    states = list(State.objects.all())
    for state in states:
        for text in (state.alpha3, state.alpha2, state.numeric):
            if text:
                index.setdefault(_key(text), state)
    by_pk = {state.pk: state for state in states}
    for name, state_id in StateName.objects.values_list("name", "state_id"):
        index.setdefault(_key(name), by_pk[state_id])
    for state in states:  # a current name wins over someone else's former name
        for text in (state.name, state.official_name):
            if text:
                index[_key(text)] = state
    return index


def read_names(text):
    """The names of a pasted list, one per line (or separated by semicolons)."""
    return [part.strip(" \t-•*,.") for line in (text or "").splitlines() for part in line.split(";")
            if part.strip(" \t-•*,.")]


def match_states(text, index=None):
    """[(name as pasted, State or None)]. A line of comma-separated names is read as several names when every
    one of them is a state and the whole line is not ('Albania, Armenia' but not 'Korea, Republic of')."""
    index = state_index() if index is None else index
    matches = []
    for name in read_names(text):
        state = index.get(_key(name))
        parts = [part.strip() for part in name.split(",") if part.strip()]
        if state is None and len(parts) > 1 and all(_key(part) in index for part in parts):
            matches.extend((part, index[_key(part)]) for part in parts)
        else:
            matches.append((name, state))
    return matches


def bulk_add(*, mechanism, text, role, start, user, reason="", source=None, locator=""):
    """Add one participation in ``role`` from ``start`` for each state of the pasted list, its name kept as
    written; refused (nothing written) while any line matches no state or any row breaks a model rule."""
    _check_permissions(user, source is not None)
    day = _date(start, "The start") if start else ""
    matches = match_states(text)
    problems = [f"'{name}' matches no state: correct it, or remove the line." for name, state in matches
                if state is None]
    seen = set()
    for name, state in matches:
        if state is not None and state.pk in seen:
            problems.append(f"{state} is listed twice ('{name}').")
        seen.add(state.pk if state else None)
    holding = Participation.objects.filter(mechanism=mechanism, role=role, end="", state__in=seen - {None})
    problems += [f"{row.state} is already recorded as {row.get_role_display().lower()} (since "
                 f"{row.start or 'an unknown date'})." for row in holding.select_related("state")]
    if source is not None and not locator.strip():
        problems.append("Say where in the source it is stated (e.g. 'Annex B').")
    if not matches:
        problems.append("Paste at least one state.")
    if problems:
        raise ParticipationChangeRefused(problems)
    rows = [Participation(mechanism=mechanism, state=state, role=role, as_written=name, start=day)
            for name, state in matches]
    problems = _validate(rows)
    if problems:
        raise ParticipationChangeRefused(problems)
    reason = reason or f"{len(rows)} participants added as {dict(Participation.Role.choices)[role].lower()}"
    _write(rows, (), user=user, reason=reason, source=source, locator=locator.strip())
    return rows
