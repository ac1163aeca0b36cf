from django.contrib import admin

from .models import Client, ClientImport, Contact, RelationshipEntry


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "activity", "city", "country", "company_number", "archived"]
    list_filter = ["kind", "archived", "country", "language"]
    search_fields = ["name", "email", "company_number", "vat_number", "city"]
    raw_id_fields = ["activity"]
    list_select_related = ["activity"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ContactInline]


@admin.register(RelationshipEntry)
class RelationshipEntryAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "title", "client", "due_on", "done", "author"]
    list_filter = ["kind", "done"]
    search_fields = ["title", "client__name"]
    raw_id_fields = ["client", "author"]
    list_select_related = ["client", "author"]
    date_hierarchy = "date"


@admin.register(ClientImport)
class ClientImportAdmin(admin.ModelAdmin):
    """Imports are records of what happened: read-only here."""

    list_display = ["created_at", "original_name", "activity", "uploaded_by", "dry_run", "status"]
    list_filter = ["status", "dry_run"]
    search_fields = ["original_name", "activity__name"]
    list_select_related = ["activity", "uploaded_by"]
    readonly_fields = [f.name for f in ClientImport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
