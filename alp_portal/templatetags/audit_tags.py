from django import template

from alp_portal.audit import describe

register = template.Library()


@register.filter
def audit_message(entry):
    """A LogEntry in words: the audit trail's acts with their reason, the admin's own changes as Django says."""
    return describe(entry)
