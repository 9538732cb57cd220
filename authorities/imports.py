"""Reading a mapping spreadsheet before anything is stored: which rows are new, updated, unchanged or invalid.

`plan_import(kind=..., table=..., user=...)` checks every cell and says what is wrong in words a country
office can act on ("row 14, e-mail: 'juan.perez@' is not an e-mail address"). It reads the database in a fixed
number of queries whatever the number of rows. `authorities.services.import_mapping` then writes a plan
that has no invalid rows, all or nothing.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries as all_countries

from alp_portal.roles import is_regional_staff, staff_countries

from .import_columns import (
    CHOICE_ALIASES,
    CHOICES,
    WRITES,
    columns_of,
    header_lookup,
    portal_written_headers,
)
from .models import Invitation, LocalGovernment, Official
from .spreadsheets import (
    SpreadsheetError,
    choice_lookup,
    normalise,
    parse_boolean,
    parse_country,
    unneutralise,
)

KINDS = ("local_governments", "officials", "invitations")


@dataclass
class RowIssue:
    row: int
    column: str
    message: str

    def __str__(self):
        return _("row %(row)s, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class PlannedRow:
    row: int
    action: str  # "new", "updated", "unchanged", "invalid"
    label: str
    values: dict = field(default_factory=dict)
    changes: list = field(default_factory=list)  # [(column, old, new)]
    pk: int | None = None


@dataclass(eq=False)
class NewGovernment:
    """A local government an officials import names and the portal does not have yet: created with the officials,
    in the same transaction (`pk` is set then)."""

    name: str
    region: str
    country: str
    row: int  # the first row that names it
    pk: int | None = None

    def __str__(self):
        return self.name

    @property
    def preview_label(self):
        """'new government: Lima Metropolitana (Peru)', as the preview lists it."""
        name = f"{self.name}, {self.region}" if self.region else self.name
        return _("new government: %(name)s (%(country)s)") % {"name": name, "country": _country_name(self.country)}


@dataclass
class ImportPlan:
    kind: str
    rows: list = field(default_factory=list)
    issues: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    portal_columns: list = field(default_factory=list)  # columns of the portal's exports that it fills in itself
    columns: list = field(default_factory=list)  # keys present in the file, in order
    new_governments: list = field(default_factory=list)  # NewGovernment, of an officials import

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self):
        return {action: self.count(action) for action in ("new", "updated", "unchanged", "invalid")}

    @property
    def is_valid(self):
        return not self.issues

    def writes(self):
        """(model, new rows, updated rows) of this plan, each row as ({attribute: value}, pk, row number): the
        columns the file has, cleaned. A cell left empty in an optional choice column is left out, so that it keeps what
        is stored (or the field's default, when new)."""
        model, attributes = WRITES[self.kind]
        keys = [key for key in self.columns if key in attributes]
        new, updated = [], []
        for row in self.rows:
            if row.action in ("new", "updated"):
                values = {attributes[key]: row.values[key] for key in keys if key in row.values}
                (new if row.action == "new" else updated).append((values, row.pk, row.row))
        return model, new, updated


# Words that come before a local government's name and do not tell it apart: "Municipalidad de Rosario",
# "Prefeitura Municipal de São Paulo", "GAD Municipal de Quito" are Rosario, São Paulo and Quito.
LEADING_WORDS = frozenset(
    (
        *("municipalidad", "municipio", "municipal", "prefeitura", "alcaldia", "intendencia", "ayuntamiento"),
        *("gobierno", "governo", "autonomo", "descentralizado", "gad", "distrital", "provincial", "distrito"),
        *("metropolitana", "metropolitano", "camara", "ilustre", "ciudad", "cidade", "city", "municipality"),
        *("of", "de", "del", "do", "da", "la", "el"),
    )
)


def look_alike_key(name):
    """What is left of a government's name without case, accents and the leading words that do not tell it
    apart: two names with the same key are probably the same government."""
    words = normalise(name).split()
    while len(words) > 1 and words[0] in LEADING_WORDS:
        words.pop(0)
    return " ".join(words)


def allowed_countries(user):
    """None for regional staff (every country), else the ISO codes of the user's offices."""
    return None if is_regional_staff(user) else set(staff_countries(user))


def _country_name(code):
    return str(all_countries.name(code)) or code


def plan_import(*, kind, table, user):
    """Check every row of `table` (an `authorities.spreadsheets.Table`) for an import of `kind` by `user`."""
    if kind not in KINDS:
        raise ValueError(kind)
    columns = columns_of(kind)
    lookup = header_lookup(kind, columns)
    portal_written = portal_written_headers(kind)
    positions, names, ignored, portal_columns = {}, {}, [], []
    for index, header in enumerate(table.headers):
        key = lookup.get(normalise(header))
        if key and key not in positions:
            positions[key], names[key] = index, header
        elif key == "country" and SECOND_COUNTRY not in positions:
            # The governments export has the country's name and its ISO code: both are read, and must agree.
            positions[SECOND_COUNTRY], names[SECOND_COUNTRY] = index, header
        elif normalise(header) in portal_written:
            portal_columns.append(header)
        elif header:
            ignored.append(header)
    expected = ", ".join(c.label for c in columns)
    if not positions:
        raise SpreadsheetError(
            _("None of the expected columns was found. The first row must name the columns, for example: %(expected)s.")
            % {"expected": expected}
        )
    missing = [c for c in columns if c.required and c.key not in positions]
    if kind == "invitations" and not {"email", "official"} & set(positions):
        missing.insert(0, next(c for c in columns if c.key == "email"))
    if missing:
        raise SpreadsheetError(
            _("Columns missing: %(missing)s. Add them to the first row and upload the file again.")
            % {"missing": ", ".join(c.label for c in missing)}
        )
    plan = ImportPlan(
        kind=kind,
        ignored_columns=ignored,
        portal_columns=portal_columns,
        columns=[c.key for c in columns if c.key in positions],
    )
    checker = {
        "local_governments": _LocalGovernmentChecker,
        "officials": _OfficialChecker,
        "invitations": _InvitationChecker,
    }[kind]
    checker(plan=plan, table=table, positions=positions, names=names, columns=columns, user=user).run()
    return plan


SECOND_COUNTRY = "second_country"


class _Checker:
    def __init__(self, *, plan, table, positions, names, columns, user):
        self.plan, self.table, self.positions, self.names, self.user = plan, table, positions, names, user
        self.government_names = {}  # pk → name, for the changes of an official's local government
        self.columns = {c.key: c for c in columns}
        self.allowed = allowed_countries(user)
        self.choices = {
            key: {**CHOICE_ALIASES[key], **choice_lookup(choices)}
            for key, choices in CHOICES.items()
            if key in positions
        }

    def cells(self, cells):
        return {
            key: (unneutralise(cells[index].strip()) if index < len(cells) else "")
            for key, index in self.positions.items()
        }

    def words(self, key, value):
        """A stored or imported value as the preview shows a change, in the user's language ("no → sí")."""
        if value is None or value == "":
            return ""
        if isinstance(value, NewGovernment):
            return value.name
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if key in CHOICES:
            return str(CHOICES[key](value).label) if value in CHOICES[key].values else value
        if key == "country":
            return _country_name(value)
        if key == "local_government":
            return self.government_names.get(value, value)
        return str(value)

    def problem(self, issues, row, key, message):
        column = self.names[key] if key in self.names else self.columns[key].label
        issues.append(RowIssue(row=row, column=column, message=message))

    def check_text(self, issues, row, raw, key):
        value = raw.get(key, "")
        column = self.columns[key]
        if column.required and not value:
            self.problem(issues, row, key, _("is empty; fill it in"))
        elif column.max_length and len(value) > column.max_length:
            self.problem(issues, row, key, _("is longer than %(max)s characters") % {"max": column.max_length})
        return value

    def check_choice(self, issues, row, raw, key):
        value = raw.get(key, "")
        if not value:
            return None
        found = self.choices[key].get(normalise(value))
        if found is None:
            options = ", ".join(str(label) for label in CHOICES[key].labels)
            self.problem(
                issues,
                row,
                key,
                _("'%(value)s' is not one of: %(options)s") % {"value": value, "options": options},
            )
        return found

    def check_country(self, issues, row, raw):
        value = raw.get("country", "")
        if not value:
            self.problem(issues, row, "country", _("is empty; write the country's ISO code (AR) or its name"))
            return None
        code = parse_country(value)
        if code is None:
            self.problem(
                issues,
                row,
                "country",
                _(
                    "'%(value)s' is not a country; write its ISO code (for example AR) or its name in "
                    "Spanish, "
                    "Portuguese or English"
                )
                % {"value": value},
            )
            return None
        if self.allowed is not None and code not in self.allowed:
            offices = ", ".join(sorted(_country_name(c) for c in self.allowed))
            self.problem(
                issues,
                row,
                "country",
                _(
                    "%(country)s is not a country of your office (%(offices)s); only rows of your country "
                    "can be "
                    "imported. Remove the row or ask the regional office."
                )
                % {"country": _country_name(code), "offices": offices},
            )
            return None
        second = raw.get(SECOND_COUNTRY, "")
        if second and parse_country(second) != code:
            self.problem(
                issues,
                row,
                SECOND_COUNTRY,
                _("'%(value)s' is not %(country)s, the country in column '%(column)s'; correct one of them")
                % {"value": second, "country": _country_name(code), "column": self.names["country"]},
            )
        return code

    def finish(self, row, label, values, issues, existing, compare):
        if issues:
            self.plan.issues.extend(issues)
            self.plan.rows.append(PlannedRow(row=row, action="invalid", label=label, values=values))
            return
        if existing is None:
            self.plan.rows.append(PlannedRow(row=row, action="new", label=label, values=values))
            return
        changes = []
        for key in compare:
            if key not in values or values[key] is None:
                continue
            old = getattr(existing, key if key != "local_government" else "local_government_id")
            if key == "country":
                old = old.code
            if old != values[key]:
                changes.append((self.names.get(key, key), self.words(key, old), self.words(key, values[key])))
        action = "updated" if changes else "unchanged"
        self.plan.rows.append(
            PlannedRow(row=row, action=action, label=label, values=values, changes=changes, pk=existing.pk)
        )

    def duplicate(self, issues, row, key, value, first_row):
        self.problem(
            issues,
            row,
            key,
            _(
                "'%(value)s' is also on row %(first)s; each appears only once in a file. Keep one of rows "
                "%(first)s and %(row)s."
            )
            % {"value": value, "first": first_row, "row": row},
        )

    def mark_first_duplicates(self, first_rows, key):
        """The first row of a duplicated pair is invalid too, with a message that names both rows."""
        for first, (later, value) in first_rows.items():
            planned = next(p for p in self.plan.rows if p.row == first)
            planned.action = "invalid"
            self.plan.issues.append(
                RowIssue(
                    row=first,
                    column=self.names.get(key, key),
                    message=_(
                        "'%(value)s' is also on row %(other)s; each appears only once in a file. Keep one "
                        "of rows "
                        "%(first)s and %(other)s."
                    )
                    % {"value": value, "first": first, "other": later},
                )
            )
        self.plan.issues.sort(key=lambda issue: issue.row)


class _LocalGovernmentChecker(_Checker):
    def run(self):
        raw_rows = [(number, self.cells(cells)) for number, cells in self.table.rows]
        codes = {parse_country(raw.get("country", "")) for _n, raw in raw_rows} - {None}
        existing = {}
        by_name = {}
        for government in LocalGovernment.objects.filter(country__in=codes):
            code = government.country.code
            existing[(code, normalise(government.name), normalise(government.region))] = government
            by_name.setdefault((code, normalise(government.name)), []).append(government)
        seen = {}
        first_issue_rows = {}
        for number, raw in raw_rows:
            issues = []
            name = self.check_text(issues, number, raw, "name")
            region = self.check_text(issues, number, raw, "region") if "region" in raw else None
            code = self.check_country(issues, number, raw)
            values = {"name": name, "country": code}
            if region is not None:
                values["region"] = region
            if "kind" in raw:
                kind = self.check_choice(issues, number, raw, "kind")
                if kind is not None:
                    values["kind"] = kind
            for criterion in LocalGovernment.CRITERIA:
                if criterion in raw:
                    self.check_boolean(issues, number, raw, criterion, values)
            if raw.get("public_consent"):  # empty: consent stays as it is (or as new governments start)
                self.check_boolean(issues, number, raw, "public_consent", values)
            self.check_coordinates(issues, number, raw, values)
            match = None
            if code and name:
                key = (code, normalise(name), normalise(region or ""))
                if region:
                    match = existing.get(key)
                else:
                    candidates = by_name.get((code, normalise(name)), [])
                    if len(candidates) == 1:
                        match = candidates[0]
                        key = (code, normalise(name), normalise(match.region))
                    elif len(candidates) > 1:
                        self.problem(
                            issues,
                            number,
                            "name",
                            _(
                                "several local governments of %(country)s are called '%(name)s'; add a "
                                "region column "
                                "to say which"
                            )
                            % {"country": _country_name(code), "name": name},
                        )
                if key in seen:
                    first, first_name = seen[key]
                    self.duplicate(issues, number, "name", name, first)
                    first_issue_rows.setdefault(first, (number, first_name))
                else:
                    seen[key] = (number, name)
            label = f"{name} ({code or raw.get('country', '')})"
            self.finish(number, label, values, issues, match, [k for k in values if k != "country"])
        self.mark_first_duplicates(first_issue_rows, "name")

    def check_boolean(self, issues, number, raw, key, values):
        try:
            values[key] = parse_boolean(raw[key])
        except ValueError:
            self.problem(
                issues, number, key, _("'%(value)s' is not yes or no; write sí/sim/yes or no/não") % {"value": raw[key]}
            )

    def check_coordinates(self, issues, number, raw, values):
        coordinates = {}
        for key, limit in (("latitude", 90), ("longitude", 180)):
            if key not in raw:
                continue
            text = raw[key].replace(",", ".")
            if not text:
                coordinates[key] = None
                continue
            try:
                value = Decimal(text).quantize(Decimal("0.00001"))
            except InvalidOperation:
                self.problem(
                    issues,
                    number,
                    key,
                    _("'%(value)s' is not a number such as -34.60372") % {"value": raw[key]},
                )
                continue
            if not -limit <= value <= limit:
                self.problem(
                    issues,
                    number,
                    key,
                    _("%(value)s is outside -%(limit)s to %(limit)s") % {"value": raw[key], "limit": limit},
                )
                continue
            coordinates[key] = value
        if len(coordinates) == 2 and (coordinates["latitude"] is None) != (coordinates["longitude"] is None):
            self.problem(issues, number, "latitude", _("give both latitude and longitude, or neither"))
        values.update(coordinates)


class _OfficialChecker(_Checker):
    def run(self):
        raw_rows = [(number, self.cells(cells)) for number, cells in self.table.rows]
        codes = {parse_country(raw.get("country", "")) for _n, raw in raw_rows} - {None}
        self.governments, self.look_alikes, self.new_governments = {}, {}, {}
        for government in LocalGovernment.objects.filter(country__in=codes).only("id", "name", "region", "country"):
            code = government.country.code
            self.governments.setdefault((code, normalise(government.name)), []).append(government)
            self.look_alikes.setdefault((code, look_alike_key(government.name)), []).append(government)
            self.government_names[government.pk] = government.name
        emails = {raw.get("email", "").lower() for _n, raw in raw_rows} - {""}
        existing = {
            official.email_lower: official
            for official in Official.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails)
            .select_related("local_government")
        }
        self.government_names.update((o.local_government_id, o.local_government.name) for o in existing.values())
        seen = {}
        first_rows = {}
        for number, raw in raw_rows:
            issues = []
            values = {
                key: self.check_text(issues, number, raw, key)
                for key in ("first_name", "last_name", "position")
                if key in raw
            }
            email = self.check_text(issues, number, raw, "email")
            values["email"] = email
            if email and len(email) <= self.columns["email"].max_length:
                try:
                    validate_email(email)
                except ValidationError:
                    self.problem(issues, number, "email", _("'%(value)s' is not an e-mail address") % {"value": email})
            for key in ("role_kind", "language", "gender"):
                if key in raw:
                    choice = self.check_choice(issues, number, raw, key)
                    if choice is not None:
                        values[key] = choice
            code = self.check_country(issues, number, raw)
            government = None
            name = raw.get("local_government", "")
            if not name:
                self.problem(issues, number, "local_government", _("is empty; write the local government's name"))
            elif code:
                government = self.find_government(issues, number, code, name, raw.get("region", ""))
                if government is not None:
                    values["local_government"] = government
            match = existing.get(email.lower()) if email else None
            if (
                match is not None
                and self.allowed is not None
                and match.local_government.country.code not in self.allowed
            ):
                # Another country's official: the office learns neither that the address is known nor anything
                # of the record, only that this row is not theirs to import.
                match = None
                self.problem(
                    issues,
                    number,
                    "email",
                    _("your office cannot import this row; ask the regional office to import it"),
                )
            if match is not None:
                values["email"] = match.email  # the same address written in other capitals is no change
            if email:
                if email.lower() in seen:
                    first, first_email = seen[email.lower()]
                    self.duplicate(issues, number, "email", email, first)
                    first_rows.setdefault(first, (number, first_email))
                else:
                    seen[email.lower()] = (number, email)
            label = f"{raw.get('first_name', '')} {raw.get('last_name', '')} <{email}>"
            self.finish(number, label, values, issues, match, list(values))
        self.mark_first_duplicates(first_rows, "email")

    def find_government(self, issues, number, code, name, region):
        """The pk of the local government a row names, a NewGovernment to create when the country has none of that
        name nor one that looks like it, or None (and an issue) when the row must say which."""
        country = _country_name(code)
        named = self.governments.get((code, normalise(name)), [])
        candidates = [g for g in named if normalise(g.region) == normalise(region)] if region and named else named
        if len(named) > 1 and not region:
            self.problem(
                issues,
                number,
                "local_government",
                _("several local governments of %(country)s are called '%(name)s'; add a region column to say which")
                % {"name": name, "country": country},
            )
        elif len(named) == 1 or len(candidates) == 1:
            return (candidates or named)[0].pk
        elif named:
            self.problem(
                issues,
                number,
                "local_government",
                _("'%(name)s' of %(country)s is in the portal in %(regions)s, not in '%(region)s'; correct the region")
                % {"name": name, "country": country, "region": region, "regions": ", ".join(g.region for g in named)},
            )
        elif len(name) > (limit := LocalGovernment._meta.get_field("name").max_length):
            self.problem(issues, number, "local_government", _("is longer than %(max)s characters") % {"max": limit})
        else:
            return self.new_government(issues, number, code, name, region)
        return None

    def new_government(self, issues, number, code, name, region):
        """A government to create, unless it looks like one the portal has ("Municipalidad de Rosario" next to
        "Rosario") or one an earlier row creates under another name: then the row must say which it means."""
        look_alike = look_alike_key(name)
        similar = self.look_alikes.get((code, look_alike))
        if similar:
            existing = ", ".join(f"{g.name} ({g.region})" if g.region else g.name for g in similar)
            self.problem(
                issues,
                number,
                "local_government",
                _(
                    "'%(name)s' looks like %(existing)s, already in the portal: write its name as it is there; if it "
                    "is another local government, import it first with the local governments import"
                )
                % {"name": name, "existing": existing},
            )
            return None
        key = (code, normalise(name), normalise(region))
        government = self.new_governments.get(key)
        if government is None:
            earlier = self.new_governments.get((code, look_alike))
            if earlier is not None:
                self.problem(
                    issues,
                    number,
                    "local_government",
                    _("'%(name)s' looks like '%(other)s' on row %(row)s; write the same name and region on both rows")
                    % {"name": name, "other": earlier.name, "row": earlier.row},
                )
                return None
            government = NewGovernment(name=name, region=region, country=code, row=number)
            self.new_governments[key] = self.new_governments[(code, look_alike)] = government
            self.plan.new_governments.append(government)
        return government


class _InvitationChecker(_Checker):
    """Rows of (official, initiative) to invite: the official by e-mail or number, among the user's officials
    only (a country office learns nothing of another country's: an unknown address and a foreign one read the
    same); an invitation that exists already is "unchanged", as the portal's own invitations export reads back."""

    def run(self):
        raw_rows = [(number, self.cells(cells)) for number, cells in self.table.rows]
        emails = {raw.get("email", "").lower() for _n, raw in raw_rows} - {""}
        numbers = {int(raw["official"]) for _n, raw in raw_rows if raw.get("official", "").isdigit()}
        officials = (
            Official.objects.for_user(self.user)
            .annotate(email_lower=Lower("email"))
            .filter(Q(email_lower__in=emails) | Q(pk__in=numbers))
            .select_related("local_government")
        )
        self.by_email, self.by_number = {}, {}
        for official in officials:
            self.by_email[official.email_lower] = self.by_number[official.pk] = official
        initiative_model = Invitation._meta.get_field("initiative").related_model
        self.initiatives = list(initiative_model.objects.order_by("-year", "name").only("id", "name", "year"))
        named = {}
        for initiative in self.initiatives:
            named.setdefault(normalise(initiative.name), []).append(initiative)
        self.named_initiatives = named
        invited = set(
            Invitation.objects.filter(official__in=officials.values("pk")).values_list("official_id", "initiative_id")
        )
        seen, first_rows = {}, {}
        for number, raw in raw_rows:
            issues = []
            official = self.find_official(issues, number, raw)
            initiative = self.find_initiative(issues, number, raw)
            values, label = {}, raw.get("email") or raw.get("official", "")
            if official is not None and initiative is not None:
                values = {"official": official.pk, "initiative": initiative.pk}
                label = f"{official.full_name} <{official.email}> · {initiative.name}"
                pair = (official.pk, initiative.pk)
                if pair in seen:
                    self.duplicate(issues, number, self.official_key(raw), official.email, seen[pair])
                    first_rows.setdefault(seen[pair], (number, official.email))
                else:
                    seen[pair] = number
                if not issues and pair in invited:
                    self.plan.rows.append(PlannedRow(row=number, action="unchanged", label=label, values=values))
                    continue
            self.finish(number, label, values, issues, None, [])
        self.mark_first_duplicates(first_rows, "email" if "email" in self.positions else "official")

    def official_key(self, raw):
        return "official" if raw.get("official") else "email"

    def find_official(self, issues, number, raw):
        email, official_number = raw.get("email", ""), raw.get("official", "")
        if official_number:
            if not official_number.isdigit():
                self.problem(issues, number, "official", _("'%(value)s' is not a number") % {"value": official_number})
                return None
            official = self.by_number.get(int(official_number))
            if official is None:
                self.problem(
                    issues,
                    number,
                    "official",
                    _("no official of your list has the number %(value)s; correct it or write their e-mail address")
                    % {"value": official_number},
                )
                return None
            if email and email.lower() != official.email.lower():
                self.problem(
                    issues,
                    number,
                    "email",
                    _("official number %(number)s has the address %(email)s, not %(value)s; correct one of them")
                    % {"number": official_number, "email": official.email, "value": email},
                )
                return None
        elif email:
            official = self.by_email.get(email.lower())
            if official is None:
                self.problem(
                    issues,
                    number,
                    "email",
                    _(
                        "no official of your list has the address '%(value)s'; import the official first "
                        "(officials import) or correct the address"
                    )
                    % {"value": email},
                )
                return None
        else:
            key = "email" if "email" in self.positions else "official"
            self.problem(issues, number, key, _("is empty; write the official's e-mail address or number"))
            return None
        if not official.email:
            self.problem(
                issues,
                number,
                "official",
                _("%(official)s has no e-mail address: add it to the official first") % {"official": official},
            )
            return None
        return official

    def find_initiative(self, issues, number, raw):
        value = raw.get("initiative", "")
        if not value:
            self.problem(issues, number, "initiative", _("is empty; write the initiative's name"))
            return None
        if value.isdigit():
            found = [i for i in self.initiatives if i.pk == int(value)]
        else:
            found = self.named_initiatives.get(normalise(value), [])
        if len(found) == 1:
            return found[0]
        if found:
            numbers = ", ".join(f"{i.pk} ({i.year})" for i in found)
            message = _("several initiatives are called '%(value)s'; write the number of the one you mean: %(numbers)s")
            self.problem(issues, number, "initiative", message % {"value": value, "numbers": numbers})
        else:
            names = ", ".join(i.name for i in self.initiatives[:10])
            self.problem(
                issues,
                number,
                "initiative",
                _("'%(value)s' is not an initiative of the portal; write one of: %(names)s")
                % {"value": value, "names": names},
            )
        return None


PREVIEW_LIMIT = 200
KIND_LABELS = {
    "local_governments": gettext_lazy("local governments"),
    "officials": gettext_lazy("officials"),
    "invitations": gettext_lazy("invitations"),
}
