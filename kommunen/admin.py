"""Admin for the tenancy (Region, Kreis, Kommune, Mitgliedschaft) and for the persons.

The admin of `core.User` lives here rather than in `core/admin.py`: it shows the
Mitgliedschaften inline, and `core` must not import `kommunen`.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count

from core.admin import (
    ZEITSTEMPEL,
    DatenschutzAktionenMixin,
    EindeutigeZeilenFormSet,
    HttpsUrlsMixin,
    SelectRelatedInlineMixin,
    export_personendaten,
    pseudonymisieren,
    with_timestamps,
)
from core.formatting import zahl

from .models import Kommune, Kreis, Mitgliedschaft, Region

User = get_user_model()


# --- Persons ---------------------------------------------------------------------------


class PersonCreationForm(AdminUserCreationForm):
    """Creates a person from the e-mail address; there is no user name."""

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "funktion")
        field_classes: dict = {}

    def clean_email(self) -> str:
        # Stored in lower case (see User.save); normalise first so the unique check matches.
        return (self.cleaned_data.get("email") or "").strip().lower()


class PersonChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes: dict = {}

    def clean_email(self) -> str:
        return (self.cleaned_data.get("email") or "").strip().lower()


class MitgliedschaftFormSet(EindeutigeZeilenFormSet):
    eindeutig = ("kommune", "kreis", "region")
    fehlermeldung = "Diese Mitgliedschaft besteht bereits."


class MitgliedschaftInline(SelectRelatedInlineMixin, admin.TabularInline):
    model = Mitgliedschaft
    formset = MitgliedschaftFormSet
    fk_name = "user"
    fields = ("rolle", "kommune", "kreis", "region", "erstellt_am")
    readonly_fields = ("erstellt_am",)
    autocomplete_fields = ("kommune",)
    extra = 0
    verbose_name = "Mitgliedschaft"
    verbose_name_plural = "Mitgliedschaften (Rollen und Zuständigkeiten)"

    select_related = ("kommune", "kreis", "region")


@admin.register(User)
class PersonAdmin(DatenschutzAktionenMixin, UserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Persönliche Angaben", {"fields": ("first_name", "last_name", "funktion", "telefon")}),
        (
            "Berechtigungen",
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "description": (
                    "Was eine Person im Portal sehen und bearbeiten darf, ergibt sich aus ihren "
                    "Mitgliedschaften. „Mitarbeiter-Status“ und Admin-Rechte nur für die "
                    "Betreuung des Portals vergeben."
                ),
            },
        ),
        ("Wichtige Daten", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "funktion",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = (
        "email",
        "first_name",
        "last_name",
        "funktion",
        "is_active",
        "is_staff",
        "last_login",
    )
    list_filter = (
        "is_active",
        "is_staff",
        "is_superuser",
        "mitgliedschaften__rolle",
        ("mitgliedschaften__kreis", admin.RelatedOnlyFieldListFilter),
        "groups",
    )
    search_fields = ("email", "first_name", "last_name", "funktion", "telefon")
    ordering = ("last_name", "first_name", "email")
    date_hierarchy = "date_joined"
    inlines = [MitgliedschaftInline]
    actions = [export_personendaten, pseudonymisieren]

    def has_delete_permission(self, request, obj=None):
        # A person is deleted by pseudonymisation (action above), never by removing the row:
        # history, Statusmeldungen and the audit log keep pointing at it.
        return False

    def get_inlines(self, request, obj):
        # As in Django's UserAdmin, the add page only asks for the login data; the
        # Mitgliedschaften follow on the change page it redirects to.
        return self.inlines if obj is not None else []


# --- Tenancy ---------------------------------------------------------------------------


class KreisInline(admin.TabularInline):
    model = Kreis
    fields = ("ags", "name", "typ")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "kurzname", "slug", "anzahl_kreise")
    search_fields = ("kurzname", "name", "slug")
    prepopulated_fields = {"slug": ("kurzname",)}
    readonly_fields = ZEITSTEMPEL
    inlines = [KreisInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_anzahl_kreise=Count("kreise"))

    @admin.display(description="Kreise", ordering="_anzahl_kreise")
    def anzahl_kreise(self, obj) -> int:
        return obj._anzahl_kreise


class KommuneInline(admin.TabularInline):
    """Read-only list of a Kreis's Kommunen; they are edited in their own admin."""

    model = Kommune
    fields = ("ags", "name", "typ", "einwohner", "einwohner_stand")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    ordering = ("ags",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Kreis)
class KreisAdmin(admin.ModelAdmin):
    list_display = ("name", "ags", "typ", "region", "anzahl_kommunen")
    list_filter = ("typ", "region")
    list_select_related = ("region",)
    search_fields = ("name", "ags", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fields = with_timestamps("ags", "name", "slug", "typ", "region")
    readonly_fields = ZEITSTEMPEL
    inlines = [KommuneInline]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # The AGS is the primary key: changing it in the form would create a copy
            # of the Kreis under the new key instead of renaming it.
            readonly.insert(0, "ags")
        return readonly

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_anzahl_kommunen=Count("kommunen"))

    @admin.display(description="Kommunen", ordering="_anzahl_kommunen")
    def anzahl_kommunen(self, obj) -> int:
        return obj._anzahl_kommunen


@admin.register(Kommune)
class KommuneAdmin(HttpsUrlsMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "ags",
        "kreis",
        "typ",
        "einwohner_display",
        "einwohner_stand",
        "anzahl_federfuehrend",
        "anzahl_beteiligt",
        "anzahl_ozg_online",
    )
    list_filter = ("kreis", "typ", "kreis__region")
    list_select_related = ("kreis",)
    search_fields = ("name", "ags", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("kreis", "ags", "name", "slug", "typ")}),
        ("Profil", {"fields": ("einwohner", "einwohner_stand", "website", "beschreibung")}),
        ("Einbetten auf Websites der Kommune", {"fields": ("einbettende_websites",)}),
        ("Verwaltung", {"fields": ("erstellt_am", "geaendert_am"), "classes": ("collapse",)}),
    )
    readonly_fields = ZEITSTEMPEL

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("_changelist"):
            qs = qs.with_counts()
        return qs

    @admin.display(description="Einwohnerzahl", ordering="einwohner")
    def einwohner_display(self, obj) -> str:
        return zahl(obj.einwohner)

    @admin.display(description="federführend", ordering="anzahl_federfuehrend")
    def anzahl_federfuehrend(self, obj) -> int:
        return obj.anzahl_federfuehrend

    @admin.display(description="beteiligt", ordering="anzahl_beteiligt")
    def anzahl_beteiligt(self, obj) -> int:
        return obj.anzahl_beteiligt

    @admin.display(description="OZG-Leistungen online", ordering="anzahl_ozg_online")
    def anzahl_ozg_online(self, obj) -> int:
        return obj.anzahl_ozg_online


@admin.register(Mitgliedschaft)
class MitgliedschaftAdmin(admin.ModelAdmin):
    list_display = ("user", "rolle", "bereich_display", "erstellt_am")
    list_filter = ("rolle", "kreis", "region", ("kommune__kreis", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("user", "kommune", "kreis", "region")
    search_fields = (
        "user__email",
        "user__first_name",
        "user__last_name",
        "kommune__name",
        "kommune__ags",
        "kreis__name",
        "kreis__ags",
        "region__name",
    )
    autocomplete_fields = ("user", "kommune")
    fields = with_timestamps("user", "rolle", "kommune", "kreis", "region")
    readonly_fields = ZEITSTEMPEL
    date_hierarchy = "erstellt_am"

    @admin.display(description="Zuständig für")
    def bereich_display(self, obj) -> str:
        return str(obj.bereich or "–")
