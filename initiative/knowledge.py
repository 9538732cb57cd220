"""The entry and exit questionnaires: knowledge gain and satisfaction, as the page, the report and the open
data show them.

No group of fewer than SMALLEST_GROUP people is shown anywhere (`may_show` decides): a country or a kind of
role that small is counted together with others under "other countries" (and, when that group would still be
too small, so that it cannot be worked out from the total, the next smallest join it); a value of a
distribution held by too few people is shown together with its neighbours ("+1 to +4"); and the whole
analysis is withheld while too few people answered. Each such step comes with a note that says why.
One query, whatever the number of answers.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import mean

from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from django_countries import countries as country_names

from authorities.enums import RoleKind
from workshops.enums import QuestionnaireKind
from workshops.models import QuestionnaireResponse

# The smallest group of people whose figures are shown: below it, one person's answers could be singled out.
SMALLEST_GROUP = 5
GAINS = range(-4, 5)  # exit minus entry, each on a scale of 1 to 5
SCORES = range(1, 6)  # satisfaction, 1 to 5


def may_show(people):
    """Whether a group of `people` may be shown: nobody, or at least SMALLEST_GROUP people."""
    return people == 0 or people >= SMALLEST_GROUP


@dataclass(frozen=True)
class Bucket:
    """People whose value lies from `low` to `high` (one value when they are equal)."""

    low: int
    high: int
    people: int
    signed: bool = True  # gains carry a sign; satisfaction scores do not

    def _text(self, value):
        return f"{value:+d}" if self.signed and value else str(value)

    @property
    def label(self):
        if self.low == self.high:
            return self._text(self.low)
        return _("%(low)s to %(high)s") % {"low": self._text(self.low), "high": self._text(self.high)}


@dataclass(frozen=True)
class Group:
    """People of a country or a kind of role and their average gain; `key` is empty for the pooled rest."""

    key: str
    label: str
    people: int
    average: float


@dataclass
class KnowledgeGain:
    people: int  # answered both the entry and the exit questionnaire
    average: float | None  # None when withheld
    distribution: list  # [Bucket] of gains
    by_country: list  # [Group]
    by_role: list  # [Group]
    satisfaction_people: int  # exit answers with a satisfaction score
    satisfaction_average: float | None  # None when withheld
    satisfaction: list  # [Bucket] of scores
    note_keys: list = field(default_factory=list)  # keys of NOTES: why something is pooled or withheld

    @property
    def notes(self):
        """The notes in words, in the current language."""
        return [NOTES[key] % {"smallest": SMALLEST_GROUP} for key in self.note_keys]

    @property
    def shown(self):
        return self.average is not None

    @property
    def satisfaction_shown(self):
        return self.satisfaction_average is not None


def _average(values):
    return round(float(mean(values)), 2) if values else None


def pool_groups(groups, *, rest_label, all_label):
    """[(key, label, values)] → [Group], and whether some were pooled. Groups of too few people are put
    together in one last group (`rest_label`, or `all_label` when nothing else is left); while that group is
    itself too small, the smallest shown group joins it, so that neither it nor any of its members can be
    worked out by subtracting the shown groups from the total."""
    by_size = sorted(groups, key=lambda group: (len(group[2]), group[1]))
    rest = [group for group in by_size if not may_show(len(group[2]))]
    kept = [group for group in by_size if may_show(len(group[2]))]
    while rest and kept and not may_show(sum(len(values) for _k, _l, values in rest)):
        rest.append(kept.pop(0))
    kept_keys = {key for key, _l, _v in kept}
    shown = [Group(key, label, len(values), _average(values)) for key, label, values in groups if key in kept_keys]
    if rest:
        values = [value for _k, _l, group_values in rest for value in group_values]
        shown.append(Group("", rest_label if kept else all_label, len(values), _average(values)))
    return shown, bool(rest)


def pool_buckets(counts, *, signed=True):
    """[(value, people)] in order → [Bucket]: the finest split into ranges of consecutive values in which
    every range with people holds at least SMALLEST_GROUP (a value nobody holds stays alone). Of equally fine
    splits, the one whose ranges end earliest. [] when all of them together are too few."""
    values, people = [value for value, _count in counts], [count for _value, count in counts]
    if not people or sum(people) == 0 or not may_show(sum(people)):
        return []
    # best[i]: (ranges, start of the last range) of the finest split of the first i values
    best = [(0, None)] + [None] * len(values)
    for end in range(1, len(values) + 1):
        for start in range(end):
            size = sum(people[start:end])
            if best[start] is None or not may_show(size) or (size == 0 and end - start > 1):
                continue
            if best[end] is None or best[start][0] + 1 > best[end][0]:
                best[end] = (best[start][0] + 1, start)
    buckets, end = [], len(values)
    while end:
        start = best[end][1]
        buckets.append(Bucket(values[start], values[end - 1], sum(people[start:end]), signed))
        end = start
    return buckets[::-1]


def _gains(initiative):
    """({official: gain}, {official: (country, role)}, [satisfaction scores]). One query."""
    answers = QuestionnaireResponse.objects.filter(initiative=initiative).values_list(
        "official_id", "kind", "knowledge", "satisfaction", "official__local_government__country", "official__role_kind"
    )
    entry, exit_, who, satisfaction = {}, {}, {}, []
    for official, kind, knowledge, score, country, role in answers:
        who[official] = (country, role)
        if kind == QuestionnaireKind.ENTRY:
            entry[official] = knowledge
        else:
            exit_[official] = knowledge
            if score is not None:
                satisfaction.append(score)
    gains = {official: exit_[official] - entry[official] for official in entry.keys() & exit_.keys()}
    return gains, who, satisfaction


# Why a figure is pooled or withheld, in words for the reader.
NOTES = {
    "withheld": ngettext_lazy(
        "Fewer than %(smallest)d person answered both the entry and the exit questionnaire: the knowledge "
        "gain is not shown, so that nobody's answers can be singled out.",
        "Fewer than %(smallest)d people answered both the entry and the exit questionnaire: the knowledge "
        "gain is not shown, so that nobody's answers can be singled out.",
        "smallest",
    ),
    "satisfaction_withheld": ngettext_lazy(
        "Fewer than %(smallest)d person gave a satisfaction score: it is not shown, so that nobody's "
        "answers can be singled out.",
        "Fewer than %(smallest)d people gave a satisfaction score: it is not shown, so that nobody's "
        "answers can be singled out.",
        "smallest",
    ),
    "scores_pooled": ngettext_lazy(
        "Scores given by fewer than %(smallest)d person are shown together with neighbouring scores, so "
        "that nobody's answers can be singled out.",
        "Scores given by fewer than %(smallest)d people are shown together with neighbouring scores, so "
        "that nobody's answers can be singled out.",
        "smallest",
    ),
    "gains_pooled": ngettext_lazy(
        "Gains held by fewer than %(smallest)d person are shown together with neighbouring gains, so that "
        "nobody's answers can be singled out.",
        "Gains held by fewer than %(smallest)d people are shown together with neighbouring gains, so that "
        "nobody's answers can be singled out.",
        "smallest",
    ),
    "countries_pooled": ngettext_lazy(
        "Countries with fewer than %(smallest)d person are counted together, so that nobody's answers can be "
        "singled out.",
        "Countries with fewer than %(smallest)d people are counted together, so that nobody's answers can be "
        "singled out.",
        "smallest",
    ),
    "roles_pooled": ngettext_lazy(
        "Kinds of role with fewer than %(smallest)d person are counted together, so that nobody's answers can "
        "be singled out.",
        "Kinds of role with fewer than %(smallest)d people are counted together, so that nobody's answers can "
        "be singled out.",
        "smallest",
    ),
}


def knowledge_gain(initiative):
    """Exit minus entry knowledge (1 to 5) of each person who answered both, and the satisfaction of the exit
    questionnaire, with no group of fewer than SMALLEST_GROUP people shown (see the module's docstring).
    One query."""
    gains, who, satisfaction = _gains(initiative)
    result = KnowledgeGain(len(gains), None, [], [], [], len(satisfaction), None, [])
    notes = result.note_keys
    if len(gains) and not may_show(len(gains)):
        notes.append("withheld")
    elif gains:
        _fill_gains(result, gains, who)
    if len(satisfaction) and not may_show(len(satisfaction)):
        notes.append("satisfaction_withheld")
    elif satisfaction:
        scores = Counter(satisfaction)
        result.satisfaction_average = _average(satisfaction)
        result.satisfaction = pool_buckets([(score, scores[score]) for score in SCORES], signed=False)
        if len(result.satisfaction) < len(SCORES):
            notes.append("scores_pooled")
    return result


def _fill_gains(result, gains, who):
    counter = Counter(gains.values())
    result.average = _average(list(gains.values()))
    result.distribution = pool_buckets([(gain, counter[gain]) for gain in GAINS])
    if len(result.distribution) < len(GAINS):
        result.note_keys.append("gains_pooled")
    by_country, by_role = defaultdict(list), defaultdict(list)
    for official, gain in gains.items():
        country, role = who[official]
        by_country[country].append(gain)
        by_role[role].append(gain)
    countries = [(code, str(country_names.name(code)), by_country[code]) for code in sorted(by_country)]
    result.by_country, pooled = pool_groups(
        countries, rest_label=_("Other countries"), all_label=_("All countries together")
    )
    if pooled:
        result.note_keys.append("countries_pooled")
    roles = [(kind, str(label), by_role[kind]) for kind, label in RoleKind.choices if by_role[kind]]
    result.by_role, pooled = pool_groups(
        roles, rest_label=_("Other kinds of role"), all_label=_("All kinds of role together")
    )
    if pooled:
        result.note_keys.append("roles_pooled")
