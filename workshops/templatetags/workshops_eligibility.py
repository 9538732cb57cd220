from django import template

from workshops.queries import eligibility_preview as compute_preview

register = template.Library()


@register.simple_tag
def eligibility_preview(official, initiative):
    """`{% eligibility_preview official initiative as preview %}`: the certification rule for one official."""
    if official is None or initiative is None:
        return None
    return compute_preview(official, initiative)
