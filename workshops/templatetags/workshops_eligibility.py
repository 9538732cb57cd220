from django import template

from initiative.models import Initiative
from workshops.queries import eligibility_preview as compute_preview

register = template.Library()


@register.simple_tag
def eligibility_preview(official, initiative):
    """`{% eligibility_preview official initiative as preview %}`: the certification rule for one official."""
    if official is None or initiative is None:
        return None
    return compute_preview(official, initiative)


@register.simple_tag
def official_eligibility(official):
    """`{% official_eligibility official as previews %}`: the rule in every initiative the official is invited to."""
    if official is None or official.pk is None:
        return []
    initiatives = Initiative.objects.filter(invitations__official=official).order_by("-year", "name").distinct()
    return [compute_preview(official, initiative) for initiative in initiatives]
