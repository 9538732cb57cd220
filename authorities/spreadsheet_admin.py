"""Admin export and import of spreadsheets, scoped by country: for the mapping, attendance and certificates.

Exports go through django-import-export's ExportMixin (its button, form page and changelist filters) with our
formats (CSV with a byte-order mark, XLSX, formulas neutralised), a country choice, and a log row per export.
The resource scopes its own queryset by the user, so neither the form nor the URL's filters can widen it.

Imports of local governments and officials use a small view of our own around the import resources, because
the library's preview cannot say "row 14, e-mail: ..." nor enforce our limits: upload → preview (new,
updated, unchanged, invalid rows) → confirm, all or nothing.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries as all_countries
from import_export.admin import ExportMixin
from import_export.forms import ExportForm

from alp_portal.roles import is_regional_staff, is_staff_member, staff_countries

from .import_columns import columns_of, template_table
from .imports import KIND_LABELS, PREVIEW_LIMIT, plan_import
from .models import LocalGovernment
from .services import ImportRefused, import_mapping, record_export, stash_mapping_upload, take_mapping_upload
from .spreadsheets import EXPORT_FORMATS, MAX_UPLOAD_BYTES, SpreadsheetError, read_table, write_csv, write_xlsx

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def country_choices(user):
    """Regional staff: every country with a local government, or all; country staff: their own country."""
    if is_regional_staff(user):
        codes = LocalGovernment.objects.order_by().values_list("country", flat=True).distinct()
        choices = [("", gettext_lazy("All countries"))]
    else:
        codes = staff_countries(user)
        choices = []
    named = sorted(((code, str(all_countries.name(code))) for code in codes if code), key=lambda item: item[1])
    return choices + named


def allowed_export_country(user, country):
    """The country an export is limited to: the one chosen, or the user's only country office."""
    if is_regional_staff(user):
        return country
    codes = staff_countries(user)
    if country:
        if country not in codes:
            raise PermissionDenied
        return country
    return next(iter(codes)) if len(codes) == 1 else ""


class CountryExportForm(ExportForm):
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)

    def __init__(self, formats, resources, *, user, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["country"].choices = country_choices(user)


def export_filename(kind, country, file_format):
    day = timezone.localdate().isoformat()
    return f"{kind}-{(country or 'all').lower()}-{day}.{file_format.get_extension()}"


def spreadsheet_response(*, user, resource, queryset, file_format, country, initiative=None):
    """Export `queryset` through `resource`, log it, and answer with the file."""
    dataset = resource.export(queryset=queryset)
    content = file_format.export_data(dataset)
    record_export(
        user=user,
        kind=resource.kind,
        country=country,
        rows=len(dataset),
        file_format=file_format.get_title(),
        initiative=initiative,
    )
    response = HttpResponse(content, content_type=file_format.get_content_type())
    filename = export_filename(resource.kind, country, file_format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ScopedExportMixin(ExportMixin):
    """ExportMixin for a ScopedAdmin: our formats, a country choice, the user's scope, a log row."""

    formats = EXPORT_FORMATS
    export_form_class = CountryExportForm

    def has_export_permission(self, request):
        return is_staff_member(request.user)

    def get_export_formats(self):
        return list(EXPORT_FORMATS)

    def get_export_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("export_form")
        country = form.cleaned_data.get("country", "") if form is not None and form.is_bound else ""
        return {"user": request.user, "country": allowed_export_country(request.user, country)}

    def export_action(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied
        formats = self.get_export_formats()
        form = self.export_form_class(
            formats, self.get_export_resource_classes(request), user=request.user, data=request.POST or None
        )
        # Rows ticked in the changelist arrive as primary keys: any number is a valid choice, since the
        # queryset they filter is already scoped to the user.
        form.fields["export_items"].choices = [
            (item, item) for item in request.POST.getlist("export_items") if item.isdigit()
        ]
        if form.is_valid():
            try:
                queryset = self.get_export_queryset(request)
            except IncorrectLookupParameters:
                return HttpResponseBadRequest(_("The export's filters are not valid."))
            selected = form.cleaned_data.get("export_items")
            if selected:  # rows ticked in the changelist: a subset of the scoped queryset, never more
                queryset = queryset.filter(pk__in=selected)
            file_format = formats[int(form.cleaned_data["format"])]()
            resource_class = self.choose_export_resource_class(form, request)
            resource = resource_class(**self.get_export_resource_kwargs(request, export_form=form))
            return spreadsheet_response(
                user=request.user,
                resource=resource,
                queryset=queryset,
                file_format=file_format,
                country=resource.country,
            )
        context = self.init_request_context_data(request, form)
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.export_template_name], context=context)


class ImportUploadForm(forms.Form):
    import_file = forms.FileField(
        label=gettext_lazy("File to import"),
        help_text=gettext_lazy(
            "CSV (comma or semicolon, UTF-8 or Windows-1252) or Excel workbook (.xlsx), at most 5 MB and 10,000 rows."
        ),
    )


class ImportConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)


def _stash_upload(request, kind, upload):
    """Keep the uploaded bytes (in the database) until the same session confirms the preview."""
    upload.seek(0)
    if request.session.session_key is None:
        request.session.save()
    return stash_mapping_upload(
        kind=kind,
        file_name=upload.name,
        content=upload.read(MAX_UPLOAD_BYTES + 1),
        by=request.user,
        session_key=request.session.session_key,
    )


def _take_upload(request, kind, token):
    taken = take_mapping_upload(kind=kind, token=token, by=request.user, session_key=request.session.session_key or "")
    return None if taken is None else SimpleUploadedFile(*taken)


class MappingImportMixin:
    """Import of local governments or officials from CSV/XLSX, with a preview, for a ScopedAdmin."""

    import_kind = None  # one of authorities.imports.KINDS
    import_template_name = "admin/authorities/import.html"
    import_export_change_list_template = "admin/authorities/change_list_import_export.html"

    def has_import_permission(self, request):
        return self._can_edit(request)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="{}_{}_import".format(*info)),
            path(
                "import/template.<str:file_format>",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
            path(
                "import/confirm/",
                self.admin_site.admin_view(self.import_confirm_view),
                name="{}_{}_import_confirm".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def import_template_view(self, request, file_format):
        """A spreadsheet to fill in: the import's columns in the reader's language and one example row."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if file_format not in ("csv", "xlsx"):
            return HttpResponseBadRequest(_("Choose CSV or XLSX."))
        headers, example = template_table(self.import_kind)
        if file_format == "csv":
            response = HttpResponse(write_csv(headers, [example]), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(write_xlsx(headers, [example]), content_type=XLSX_CONTENT_TYPE)
        name = _("template") + f"-{self.import_kind.replace('_', '-')}.{file_format}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def _render(self, request, **context):
        columns = columns_of(self.import_kind)
        context = {
            "columns": [(c.label, c.required) for c in columns],
            "template_urls": [
                (label, reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import_template", args=[fmt]))
                for fmt, label in (("xlsx", "XLSX"), ("csv", "CSV"))
            ],
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import %(kind)s") % {"kind": KIND_LABELS[self.import_kind]},
            "preview_limit": PREVIEW_LIMIT,
            **context,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.import_template_name, context)

    def _plan(self, request, upload):
        """(plan, None), or (None, the message that says why the file cannot be read)."""
        try:
            return plan_import(kind=self.import_kind, table=read_table(upload), user=request.user), None
        except SpreadsheetError as error:
            return None, str(error)

    def _preview(self, request, plan, token=None):
        rows = {
            action: [row for row in plan.rows if row.action == action][:PREVIEW_LIMIT]
            for action in ("new", "updated", "unchanged")
        }
        return self._render(
            request,
            plan=plan,
            counts=plan.counts,
            issues=plan.issues[:PREVIEW_LIMIT],
            rows=rows,
            confirm_form=ImportConfirmForm(initial={"token": token}) if plan.is_valid and token else None,
            form=ImportUploadForm(),
        )

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            plan, error = self._plan(request, upload)
            if plan is not None:
                token = _stash_upload(request, self.import_kind, upload) if plan.is_valid else None
                return self._preview(request, plan, token)
            form.add_error("import_file", error)
        return self._render(request, form=form)

    def import_confirm_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import"))
        confirm = ImportConfirmForm(request.POST)
        upload = _take_upload(request, self.import_kind, confirm.data.get("token", ""))
        form = ImportUploadForm()
        if upload is None:
            page_error = _("This import has expired or was already confirmed. Upload the file again.")
            return self._render(request, form=form, page_errors=[page_error])
        plan, error = self._plan(request, upload)
        if plan is None:
            return self._render(request, form=form, page_errors=[error])
        if not plan.is_valid:  # the database changed since the preview
            return self._preview(request, plan)
        started = timezone.now()
        try:
            created, updated = import_mapping(plan=plan, by=request.user, file_name=getattr(upload, "name", ""))
        except ImportRefused as refused:
            return self._render(request, form=form, page_errors=[str(refused)])
        messages.success(
            request,
            _("Import done: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
            % {"created": created, "updated": updated, "unchanged": plan.count("unchanged")},
        )
        if plan.new_governments:
            count = len(plan.new_governments)
            messages.success(
                request,
                ngettext(
                    "%(count)s local government created with them.",
                    "%(count)s local governments created with them.",
                    count,
                )
                % {"count": count},
            )
        return redirect(self.import_done_url(plan, started))

    def import_done_url(self, plan, started):
        """Where a confirmed import leads: the list it filled."""
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
