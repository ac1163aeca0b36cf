from django.contrib import admin

from .models import BankAccount, BankStatement, BankTransaction, CsvMapping


class ReadOnlyAdmin(admin.ModelAdmin):
    """Imported data is read-only here: statements are imported, transactions matched, through
    the services (the audit log and the books stay true)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BankAccount)
class BankAccountAdmin(ReadOnlyAdmin):
    list_display = ["name", "iban", "bic", "currency", "entity", "active"]
    list_filter = ["entity", "active"]
    search_fields = ["name", "iban"]


@admin.register(CsvMapping)
class CsvMappingAdmin(ReadOnlyAdmin):
    list_display = ["account", "delimiter", "encoding", "date_format", "decimal_comma"]


@admin.register(BankStatement)
class BankStatementAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "account",
        "filename",
        "format",
        "state",
        "imported",
        "already_known",
        "matched",
        "to_match",
    ]
    list_filter = ["state", "format", "account__entity"]
    search_fields = ["filename", "statement_id", "sha256", "account__iban"]
    list_select_related = ["account"]


@admin.register(BankTransaction)
class BankTransactionAdmin(ReadOnlyAdmin):
    list_display = [
        "booking_date",
        "amount",
        "counterparty_name",
        "structured_reference",
        "state",
        "account",
    ]
    list_filter = ["state", "account__entity"]
    search_fields = [
        "counterparty_name",
        "counterparty_iban",
        "remittance",
        "structured_reference",
        "end_to_end_id",
        "bank_reference",
    ]
    list_select_related = ["account"]
