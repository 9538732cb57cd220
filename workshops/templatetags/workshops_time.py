from django import template

from workshops.calendar import zone_named

register = template.Library()


@register.filter
def zone(name):
    """`{% timezone session.time_zone|zone %}`: a time zone object, the portal's when the name is not valid."""
    return zone_named(name)


@register.filter
def minutes(seconds):
    """`{{ attendance.seconds|minutes }}`: whole minutes, for people to read (None stays None)."""
    return None if seconds in (None, "") else int(seconds) // 60
