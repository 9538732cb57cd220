import os
import time
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import override_settings

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def disk(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield tmp_path


def store(name, *, minutes_ago, root):
    name = default_storage.save(name, ContentFile(b"%PDF-1.7 test"))
    then = time.time() - minutes_ago * 60
    os.utime(root / name, (then, then))
    return name


def run(*args):
    out = StringIO()
    call_command("remove_stray_pdfs", *args, stdout=out)
    return out.getvalue()


def test_only_old_files_that_no_recognition_points_to_are_deleted(disk):
    initiative = f.make_initiative()
    official = f.make_official(f.make_government("AR"))
    recorded = store("recognitions/1/AAAA-BBBB-CCCC.pdf", minutes_ago=600, root=disk)
    f.make_recognition(initiative, official=official, pdf=recorded)
    stray = store("recognitions/1/DDDD-EEEE-FFFF.pdf", minutes_ago=600, root=disk)  # a killed worker's
    fresh = store("recognitions/2/GGGG-HHHH-JJJJ.pdf", minutes_ago=1, root=disk)  # another worker's, in flight

    assert run("--dry-run").splitlines() == [stray, "1 stray PDFs would be deleted; 1 PDFs of recognitions kept."]
    assert default_storage.exists(stray)

    assert run().splitlines()[-1] == "1 stray PDFs deleted; 1 PDFs of recognitions kept."
    assert not default_storage.exists(stray)
    assert default_storage.exists(recorded) and default_storage.exists(fresh)
    assert run("--older-than", "0").splitlines()[0] == fresh


def test_nothing_stored_yet(disk):
    assert run() == "No recognition PDFs stored.\n"
