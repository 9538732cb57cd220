"""manage.py expire_previews deletes the import previews nobody confirmed: uploaded mapping spreadsheets and
participant reports still waiting, once older than --hours; confirmed or discarded reports and recent
previews stay."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from authorities.models import PendingMappingImport
from tests import factories as f
from workshops.enums import AttendanceSource, EventKind, ImportStatus
from workshops.models import AttendanceImport

pytestmark = pytest.mark.django_db


def aged(obj, hours):
    type(obj).objects.filter(pk=obj.pk).update(created=timezone.now() - timedelta(hours=hours))
    return obj


def test_expire_previews_deletes_only_old_pending_ones():
    staff = f.make_regional_staff()
    session = f.make_session(f.make_event(f.make_initiative(), EventKind.LAUNCH))

    def report(status, hours):
        extra = {"confirmed_at": timezone.now()} if status == ImportStatus.CONFIRMED else {}
        made = AttendanceImport.objects.create(
            session=session, tool=AttendanceSource.ZOOM, file_name=f"{status}-{hours}.csv", status=status, **extra
        )
        return aged(made, hours)

    def spreadsheet(hours):
        made = PendingMappingImport.objects.create(
            token=f"t{hours}", kind="officials", file_name=f"{hours}.csv", content=b"x", uploaded_by=staff
        )
        return aged(made, hours)

    old_pending, new_pending = report(ImportStatus.PENDING, 30), report(ImportStatus.PENDING, 2)
    confirmed, discarded = report(ImportStatus.CONFIRMED, 30), report(ImportStatus.DISCARDED, 30)
    old_sheet, new_sheet = spreadsheet(25), spreadsheet(23)

    out = StringIO()
    call_command("expire_previews", stdout=out)

    assert out.getvalue().startswith("1 mapping spreadsheets and 1 participant reports waiting since before ")
    assert set(AttendanceImport.objects.values_list("pk", flat=True)) == {new_pending.pk, confirmed.pk, discarded.pk}
    assert not AttendanceImport.objects.filter(pk=old_pending.pk).exists()
    assert list(PendingMappingImport.objects.values_list("pk", flat=True)) == [new_sheet.pk]
    assert not PendingMappingImport.objects.filter(pk=old_sheet.pk).exists()

    call_command("expire_previews", "--hours", "1", stdout=StringIO())
    assert set(AttendanceImport.objects.values_list("pk", flat=True)) == {confirmed.pk, discarded.pk}
    assert PendingMappingImport.objects.count() == 0
