"""Our admin pages look like Django 6.1's own: its breadcrumbs are an ordered list (styled as the dark bar,
the current page marked for screen readers); the old <div class="breadcrumbs"> shows as plain text."""

import re
from pathlib import Path

from django.conf import settings

ADMIN_TEMPLATES = sorted((Path(settings.BASE_DIR) / "templates" / "admin").rglob("*.html"))


def test_admin_templates_breadcrumbs_are_django_6_lists():
    blocks = {}
    for path in ADMIN_TEMPLATES:
        match = re.search(r"\{% block breadcrumbs %\}(.*?)\{% endblock %\}", path.read_text(), re.S)
        if match:
            blocks[str(path.relative_to(path.parents[2]))] = match[1]
    assert len(blocks) >= 8
    for name, block in blocks.items():
        assert '<ol class="breadcrumbs">' in block, name
        assert block.count('aria-current="page"') == 1, name
        assert "<div" not in block and "&rsaquo;" not in block, name
