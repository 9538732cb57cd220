"""Baking: the credential embedded in the badge image, as Open Badges 3.0 describes for PNG (an iTXt chunk with
the keyword "openbadgecredential" holding the credential's JSON), so that the picture carries its own proof."""

import io
import json
from functools import cache

from django.contrib.staticfiles import finders

from .credentials import BADGE_IMAGE

KEYWORD = "openbadgecredential"


@cache
def _badge_bytes():
    with open(finders.find(BADGE_IMAGE), "rb") as handle:
        return handle.read()


def baked_png(credential):
    """The badge PNG with `credential` (a dict) in its one iTXt chunk "openbadgecredential"."""
    from PIL import Image, PngImagePlugin

    image = Image.open(io.BytesIO(_badge_bytes()))
    info = PngImagePlugin.PngInfo()
    info.add_itxt(KEYWORD, json.dumps(credential, ensure_ascii=False, separators=(",", ":")), zip=False)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()
