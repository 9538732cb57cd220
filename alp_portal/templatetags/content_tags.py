"""Staff's words in the reader's language (alp_portal/content_language.py) in templates:

{% load content_tags %}{{ event|localized:"title" }}       in a page: Spanish shown for want of a
                                                           translation is marked <span lang="es">
{{ event|localized_text:"title" }}                        in an e-mail's text, a calendar, a title
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language

from alp_portal.content_language import base_language
from alp_portal.content_language import localized as localize

register = template.Library()


@register.filter
def marked(text):
    """A Localized text for a page: in a <span lang> when it is not in the page's language."""
    language = getattr(text, "language", None)
    if text and language and language != base_language(get_language()):
        return format_html('<span lang="{}">{}</span>', language, text)
    return conditional_escape(text)


@register.filter
def localized(obj, field):
    return marked(localize(obj, field))


@register.filter
def localized_text(obj, field):
    return localize(obj, field)
