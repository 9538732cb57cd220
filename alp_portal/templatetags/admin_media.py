"""The admin's form media (its `<script>` and `<link>` elements), rendered once per set of files in each process.

Django renders them on every admin list page: each file's hashed static address looked up and each element
written through `format_html`, about 0.35 ms of the attendance list (bench/page_load.py, issue 14). Their HTML
depends only on the files (the static manifest is the process's own) and on the request's CSP nonce: rendered
once with a placeholder in place of the nonce, which each request then puts in. Django renders it, so the HTML
is Django's.
"""

import secrets

from django import template
from django.utils import csp
from django.utils.safestring import SafeString

from alp_portal.memo import remembered

register = template.Library()

_PLACEHOLDER = secrets.token_urlsafe(16)  # a nonce's own form: escaped as a nonce is (not at all)
_RENDERED = {}
_RENDERED_LIMIT = 256


@register.simple_tag(takes_context=True)
def kept_media(context, media):
    """`{% csp_nonce_attr media %}`: the media's elements with the request's nonce, if any."""
    nonce = context.get(csp.CONTEXT_KEY)
    files = (
        tuple((type(path), path) for path in media._js),
        tuple((medium, tuple((type(path), path) for path in paths)) for medium, paths in sorted(media._css.items())),
    )
    if nonce is None:
        return remembered(_RENDERED, (files, False), media.render, limit=_RENDERED_LIMIT)
    html = remembered(
        _RENDERED, (files, True), lambda: media.render(attrs={"nonce": _PLACEHOLDER}), limit=_RENDERED_LIMIT
    )
    return SafeString(html.replace(_PLACEHOLDER, str(nonce)))
