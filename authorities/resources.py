"""django-import-export resources of the mapping: local governments, officials and invitations.

Every export resource is built with the user who asks and the country chosen, and scopes its own queryset
(`filter_export`), whatever queryset the caller hands it: an export can never hold a row the user may not see.
Column names are the models' translated verbose names, so headers come out in the user's language.
"""

import tablib
from django.core.exceptions import FieldDoesNotExist
from django.utils.encoding import force_str
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from import_export import fields, resources, widgets

from initiative.enums import Language

from .enums import ExportKind, Gender, GovernmentKind, InvitationStatus, RoleKind
from .models import Invitation, LocalGovernment, Official
from .spreadsheets import cell_text


class IsoDateTimeWidget(widgets.Widget):
    """Dates and times in ISO 8601, in the portal's time zone."""

    def render(self, value, obj=None, **kwargs):
        return cell_text(value) if value is not None else ""


class NumberWidget(widgets.Widget):
    """Numbers stay numbers: XLSX cells of numbers, and no formula guard before a negative latitude."""

    def render(self, value, obj=None, **kwargs):
        return value


class MinutesWidget(NumberWidget):
    """Whole minutes, for people to read, of a number of seconds (the stored fact)."""

    def render(self, value, obj=None, **kwargs):
        return None if value is None else value // 60


class PresenceWidget(widgets.Widget):
    """ "yes" when the cell's value is there (an account's id, say), "no" when it is not."""

    def render(self, value, obj=None, **kwargs):
        return gettext("yes") if value is not None else gettext("no")


class LabelWidget(widgets.Widget):
    """A cell that shows a stored value's label in the current language. The labels are resolved once per
    language, not once per row: an export of 20,000 officials called gettext 320,000 times, most of its time
    (`labels()` says what they are)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._by_language = {}

    def labels(self):
        raise NotImplementedError

    def render(self, value, obj=None, **kwargs):
        language = get_language()
        labels = self._by_language.get(language)
        if labels is None:
            labels = self._by_language[language] = self.labels()
        return self.label(labels, value)

    def label(self, labels, value):
        return labels.get(value, "" if value in (None, "") else str(value))

    def renderer(self):
        """A function of the value giving what render gives, the labels resolved once (for a whole export)."""
        labels, label = self.labels(), self.label
        return lambda value: label(labels, value)


class ChoiceLabelWidget(LabelWidget):
    """A choice field's label, as get_FOO_display gives it (the stored value when it is not a choice)."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices

    def labels(self):
        return {value: str(label) for value, label in self.choices.choices}


class YesNoWidget(LabelWidget):
    def labels(self):
        return {True: gettext("yes"), False: gettext("no")}

    def label(self, labels, value):
        return "" if value is None else labels[bool(value)]


class CountryNameWidget(LabelWidget):
    def labels(self):
        return dict(countries)

    def label(self, labels, value):
        code = getattr(value, "code", value)
        return labels.get(code, "") if code else ""


def verbose(model, name):
    return model._meta.get_field(name).verbose_name


def column(model, name, attribute=None, widget=None):
    return fields.Field(
        attribute=attribute or name,
        column_name=verbose(model, name),
        widget=widget or widgets.Widget(),
        readonly=True,
    )


class ScopedExportResource(resources.ModelResource):
    """A resource that exports only what `user` may see, of `country` when one is chosen."""

    kind = None
    country_path = None  # the lookup from the exported model to its country

    def __init__(self, *, user, country="", **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.country = country or ""

    def filter_export(self, queryset, **kwargs):
        queryset = queryset.for_user(self.user)
        if self.country:
            queryset = queryset.filter(**{self.country_path: self.country})
        return queryset

    def get_export_headers(self, selected_fields=None):
        # Headers carry gettext_lazy names: render them now, in the user's language.
        return [str(header) for header in super().get_export_headers(selected_fields)]

    def export(self, queryset=None, **kwargs):
        """The library's export, with the same cells, read in one query of the columns' values instead of a
        model instance per row and each cell through five of the library's calls: 20,000 officials went from
        about 10,000 rows a second to more than 20,000 (bench/exports_officials.py). Each column's widget is
        asked once for a function of the value (labels in the user's language resolved once). The library's
        own way stays for a resource with a column read from anything but a field (a property, a method)."""
        export_fields = self.get_export_fields(kwargs.get("export_fields"))
        paths = [self._value_path(field) for field in export_fields]
        if None in paths or kwargs.get("export_fields"):
            return super().export(queryset=queryset, **kwargs)
        self.before_export(queryset, **kwargs)
        if queryset is None:
            queryset = self.get_queryset()
        queryset = self.filter_export(queryset, **kwargs)
        renderers = [_renderer(field.widget) for field in export_fields]
        distinct = list(dict.fromkeys(paths))
        at = [distinct.index(path) for path in paths]
        columns = list(zip(at, renderers, strict=True))
        rows = [[render(values[i]) for i, render in columns] for values in queryset.values_list(*distinct)]
        dataset = tablib.Dataset(headers=self.get_export_headers())
        dataset._data = [tablib.core.Row(row) for row in rows]  # of the headers' width: no check per row
        self.after_export(queryset, dataset, **kwargs)
        return dataset

    def _value_path(self, field):
        """The lookup of a column's value for values_list(), when the column is a field (followed through
        foreign keys) rendered by its widget alone; None otherwise."""
        if not field.attribute or callable(getattr(self, field.get_dehydrate_method(self.get_field_name(field)), None)):
            return None
        model = self._meta.model
        parts = field.attribute.split("__")
        for index, part in enumerate(parts):
            try:
                model_field = model._meta.get_field(part)
            except FieldDoesNotExist:
                return None
            last = index == len(parts) - 1
            if model_field.many_to_many or model_field.one_to_many:
                return None
            if model_field.is_relation:
                if last:
                    # the related row's id: a widget that reads only whether it is there
                    return field.attribute if isinstance(field.widget, PresenceWidget) else None
                model = model_field.related_model
            elif not last:
                return None
        return field.attribute


def _renderer(widget):
    if isinstance(widget, LabelWidget):
        return widget.renderer()
    if type(widget) is widgets.Widget:
        return lambda value: "" if value is None else force_str(value)
    return widget.render

    @classmethod
    def get_display_name(cls):
        return str(cls.kind.label)


class LocalGovernmentResource(ScopedExportResource):
    kind = ExportKind.LOCAL_GOVERNMENTS
    country_path = "country"

    name = column(LocalGovernment, "name")
    country = column(LocalGovernment, "country", widget=CountryNameWidget())
    country_code = fields.Field(attribute="country", column_name=pgettext_lazy("column", "ISO code"), readonly=True)
    region = column(LocalGovernment, "region")
    kind_label = column(LocalGovernment, "kind", widget=ChoiceLabelWidget(GovernmentKind))
    latitude = column(LocalGovernment, "latitude", widget=NumberWidget())
    longitude = column(LocalGovernment, "longitude", widget=NumberWidget())
    has_local_mgi = column(LocalGovernment, "has_local_mgi", widget=YesNoWidget())
    in_hub_repository = column(LocalGovernment, "in_hub_repository", widget=YesNoWidget())
    mercociudades_member = column(LocalGovernment, "mercociudades_member", widget=YesNoWidget())
    has_gcm_pledge = column(LocalGovernment, "has_gcm_pledge", widget=YesNoWidget())
    in_mayors_mechanism = column(LocalGovernment, "in_mayors_mechanism", widget=YesNoWidget())
    signed_marrakech_declaration = column(LocalGovernment, "signed_marrakech_declaration", widget=YesNoWidget())
    public_consent = column(LocalGovernment, "public_consent", widget=YesNoWidget())

    class Meta:
        model = LocalGovernment
        fields = (
            "name",
            "country",
            "country_code",
            "region",
            "kind_label",
            "latitude",
            "longitude",
            "has_local_mgi",
            "in_hub_repository",
            "mercociudades_member",
            "has_gcm_pledge",
            "in_mayors_mechanism",
            "signed_marrakech_declaration",
            "public_consent",
        )
        export_order = fields

    def get_queryset(self):
        return LocalGovernment.objects.all()


EXPORTED_OFFICIAL_COLUMNS = (
    "first_name",
    "last_name",
    "position",
    "role_kind",
    "email",
    "language",
    "gender",
    "user_id",
    "local_government__name",
    "local_government__region",
    "local_government__country",
)


class OfficialResource(ScopedExportResource):
    kind = ExportKind.OFFICIALS
    country_path = "local_government__country"

    first_name = column(Official, "first_name")
    last_name = column(Official, "last_name")
    position = column(Official, "position")
    role_kind = column(Official, "role_kind", widget=ChoiceLabelWidget(RoleKind))
    email = column(Official, "email")
    language = column(Official, "language", widget=ChoiceLabelWidget(Language))
    gender = column(Official, "gender", widget=ChoiceLabelWidget(Gender))
    local_government = column(Official, "local_government", attribute="local_government__name")
    region = column(LocalGovernment, "region", attribute="local_government__region")
    country = column(LocalGovernment, "country", attribute="local_government__country", widget=CountryNameWidget())
    has_account = fields.Field(attribute="user", column_name=_("account"), widget=PresenceWidget(), readonly=True)

    class Meta:
        model = Official
        fields = (
            "first_name",
            "last_name",
            "position",
            "role_kind",
            "email",
            "language",
            "gender",
            "local_government",
            "region",
            "country",
            "has_account",
        )
        export_order = fields

    def get_queryset(self):
        return Official.objects.select_related("local_government")

    def filter_export(self, queryset, **kwargs):
        # Only the exported columns: loading whole rows cost two date-time conversions a model a row.
        return (
            super()
            .filter_export(queryset, **kwargs)
            .select_related("local_government")
            .only(*EXPORTED_OFFICIAL_COLUMNS)
        )


class OfficialRowResource(ScopedExportResource):
    """An export of rows that each belong to an official (invitations, attendance): the official's columns,
    and the scope by the official's country. Each subclass puts them in its Meta.fields."""

    country_path = "official__local_government__country"

    first_name = column(Official, "first_name", attribute="official__first_name")
    last_name = column(Official, "last_name", attribute="official__last_name")
    email = column(Official, "email", attribute="official__email")
    local_government = column(Official, "local_government", attribute="official__local_government__name")
    country = column(
        LocalGovernment,
        "country",
        attribute="official__local_government__country",
        widget=CountryNameWidget(),
    )


class InvitationResource(OfficialRowResource):
    kind = ExportKind.INVITATIONS

    initiative = column(Invitation, "initiative", attribute="initiative__name")
    status = column(Invitation, "status", widget=ChoiceLabelWidget(InvitationStatus))
    sent_at = column(Invitation, "sent_at", widget=IsoDateTimeWidget())
    expires_at = column(Invitation, "expires_at", widget=IsoDateTimeWidget())
    accepted_at = column(Invitation, "accepted_at", widget=IsoDateTimeWidget())

    class Meta:
        model = Invitation
        fields = (
            "initiative",
            "first_name",
            "last_name",
            "email",
            "local_government",
            "country",
            "status",
            "sent_at",
            "expires_at",
            "accepted_at",
        )
        export_order = fields

    def get_queryset(self):
        return Invitation.objects.all()

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).select_related("official__local_government", "initiative")


# Imports: the library writes (bulk, no diff); `authorities.imports` has read and checked every cell first.
