"""The certification rule in templates of other apps' pages (the import preview, an official's admin page):
they show a verdict that only `certificates.eligibility` decides."""

from django import template

from certificates import eligibility

register = template.Library()


@register.simple_tag
def eligibility_preview(official, initiative, kept=False):
    """`{% eligibility_preview official initiative as preview %}`: the rule for one official (`kept=True`: on
    what is kept of their attendance, for a page that only reads; see `eligibility_of`)."""
    if official is None or initiative is None:
        return None
    return eligibility.eligibility_of(official, initiative, kept=kept)


@register.simple_tag
def official_eligibility(official):
    """`{% official_eligibility official as previews %}`: the rule in every initiative the official is invited to."""
    if official is None or official.pk is None:
        return []
    return eligibility.eligibility_in_each_initiative(official)


@register.simple_tag
def seconds_count(seconds, session):
    """`{% seconds_count total session as counts %}`: whether `seconds` attended count at `session` (None when
    there is nothing to judge)."""
    if seconds is None:
        return None
    return eligibility.seconds_count(seconds, session)


@register.simple_tag
def officials_counted(totals, session):
    """`{% officials_counted totals session as count %}`: how many of {official: seconds} count at `session`."""
    return sum(1 for seconds in totals.values() if eligibility.seconds_count(seconds, session))


@register.simple_tag
def threshold_minutes(session):
    """`{% threshold_minutes session as minutes %}`: the least time that counts at `session`, in minutes."""
    return eligibility.threshold_seconds(session) / 60
