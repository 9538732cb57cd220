"""Who a row of a participant report is: the officials it may be matched to, by e-mail first, then by name.

The e-mail is the stronger evidence: a name that fits an official never outweighs an e-mail that is not
theirs. Rows that cannot be settled here wait for staff, with the reason in words (`match_note`).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from authorities.enums import Gender
from authorities.models import Official

from .enums import MatchKind
from .reports import name_tokens


@dataclass(frozen=True)
class Match:
    """What the matcher found for a report row: `kind` (MatchKind), how (`method`: "email", "name" or ""),
    the official it counts for, the candidates staff choose from, and a `note` ({"code": ...}) saying why a
    row needs their decision (rendered in the reader's language by `match_note`)."""

    kind: str
    method: str = ""
    official: int | None = None
    candidates: list = field(default_factory=list)
    note: dict | None = None


# Why a row waits for staff. The e-mail is the stronger evidence: a name that fits an official never
# outweighs an e-mail that is not theirs.
EMAIL_NOT_THEIRS = "email_not_theirs"  # the name fits, but the report's e-mail belongs to nobody known
EMAIL_OF_ANOTHER = "email_of_another"  # the e-mail belongs to an official not expected at this session


class OfficialIndex:
    """Finds the officials a report row names: by e-mail first, then by name.

    An e-mail that belongs to an official (their own, or their account's) credits that official only. A
    row whose e-mail belongs to nobody known is never credited by name: when its name fits an official it
    goes to staff, saying so. Rows without an e-mail are matched by name.

    A name matches an official when the words of one are all among the words of the other (so "María Pérez"
    and "Pérez Gutiérrez, María José" both find "María José Pérez Gutiérrez") and the shared words include a
    given name and a surname. Accents, case, punctuation, initials and particles (de, da, dos, y, e) do not
    count. More than one official found is an ambiguous match, for staff to settle.

    `elsewhere` maps the e-mails of officials who are not candidates ({e-mail: official pk}).
    """

    def __init__(self, officials, *, elsewhere=None):
        self.by_email = {}
        self.elsewhere = elsewhere or {}
        self.words = {}
        self.postings = defaultdict(list)
        for official in officials:
            for email in (official.email, getattr(official, "account_email", "")):
                if email:
                    self.by_email.setdefault(email.casefold(), official.pk)
            given, surnames = set(name_tokens(official.first_name)), set(name_tokens(official.last_name))
            everything = given | surnames
            self.words[official.pk] = (given, surnames, everything)
            for word in everything:
                self.postings[word].append(official.pk)

    def by_name(self, name):
        words = set(name_tokens(name))
        if len(words) < 2:
            return []
        hits = Counter()
        for word in words:
            hits.update(self.postings.get(word, ()))
        found = []
        for pk, count in hits.items():
            given, surnames, everything = self.words[pk]
            if count == len(words):
                shared = words
            elif count == len(everything):
                shared = everything
            else:
                continue
            if shared & given and shared & surnames:
                found.append(pk)
        return sorted(found)

    def match(self, participant):
        email = participant.email
        if email and email in self.by_email:
            return Match(MatchKind.MATCHED, "email", self.by_email[email])
        if email and email in self.elsewhere:
            return Match(MatchKind.UNMATCHED, note={"code": EMAIL_OF_ANOTHER, "owner": self.elsewhere[email]})
        candidates = []
        for name in [participant.name, *participant.alt_names]:
            found = self.by_name(name)
            if len(found) == 1 and not email:
                return Match(MatchKind.MATCHED, "name", found[0])
            candidates += [pk for pk in found if pk not in candidates]
        if candidates and email:
            return Match(MatchKind.AMBIGUOUS, "name", None, candidates, {"code": EMAIL_NOT_THEIRS})
        if candidates:
            return Match(MatchKind.AMBIGUOUS, "name", None, candidates)
        return Match(MatchKind.UNMATCHED)


def match_note(row, officials):
    """Why a row waits for staff, in words ("" when it does not). `officials`: {pk: Official} with their
    local governments, holding the row's candidates and the owner of its e-mail."""
    note = row.get("note") or {}
    code, email = note.get("code"), row.get("email", "")
    if code == EMAIL_OF_ANOTHER and note.get("owner") in officials:
        owner = officials[note["owner"]]
        return _(
            "the report's e-mail %(email)s belongs to %(official)s (%(government)s), who is not expected at this "
            "session"
        ) % {"email": email, "official": owner.full_name, "government": owner.local_government.name}
    if code != EMAIL_NOT_THEIRS:
        return ""
    found = [officials[pk] for pk in row["candidates"] if pk in officials]
    if len(found) != 1:
        return _("the name matches %(officials)s but the report's e-mail %(email)s belongs to none of them") % {
            "officials": "; ".join(f"{o.full_name} ({o.local_government.name})" for o in found),
            "email": email,
        }
    official = found[0]
    values = {"official": official.full_name, "government": official.local_government.name, "email": email}
    if official.gender == Gender.FEMALE:
        return _("the name matches %(official)s (%(government)s) but the report's e-mail %(email)s is not hers") % (
            values
        )
    if official.gender == Gender.MALE:
        return _("the name matches %(official)s (%(government)s) but the report's e-mail %(email)s is not his") % (
            values
        )
    return _("the name matches %(official)s (%(government)s) but the report's e-mail %(email)s is not theirs") % (
        values
    )


def officials_elsewhere(emails, candidates):
    """{e-mail: official pk} for the report's e-mails that belong to officials who are not candidates."""
    emails = sorted(set(emails))
    if not emails:
        return {}
    owners = (
        Official.objects.exclude(pk__in=candidates)
        .annotate(own=Lower("email"), account=Lower("user__email"))
        .filter(Q(own__in=emails) | Q(account__in=emails))
        .values_list("pk", "own", "account")
    )
    found = {}
    for pk, own, account in owners:
        for email in (own, account):
            if email in emails:
                found.setdefault(email, pk)
    return found
