from django import template

from workshops.services import zone_named

register = template.Library()


@register.filter
def zone(name):
    """`{% timezone session.time_zone|zone %}`: a time zone object, the portal's when the name is not valid."""
    return zone_named(name)
