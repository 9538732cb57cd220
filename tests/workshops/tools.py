"""Where the HTML checkers from npm live: $VNU_JAR / $AXE_JS, or the project's node_modules."""

import os
from pathlib import Path

from django.conf import settings


def _find(env, relative):
    candidates = [os.environ.get(env, ""), str(Path(settings.BASE_DIR) / "node_modules" / relative)]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def vnu_jar():
    return _find("VNU_JAR", "vnu-jar/build/dist/vnu.jar")


def axe_js():
    return _find("AXE_JS", "axe-core/axe.min.js")
