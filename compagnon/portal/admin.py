from django.contrib import admin

from .models import EntityCertificate, PortalAccess, SignatureEvidence


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SignatureEvidence)
class SignatureEvidenceAdmin(ReadOnly):
    list_display = ["document", "signer_name", "signer_email", "signed_at", "sealed_at"]
    search_fields = ["signer_name", "signer_email", "document__number"]


@admin.register(PortalAccess)
class PortalAccessAdmin(ReadOnly):
    list_display = ["document", "created_at", "expires_at", "revoked_at", "last_seen_at"]
    exclude = ["nonce"]


@admin.register(EntityCertificate)
class EntityCertificateAdmin(ReadOnly):
    list_display = ["entity", "subject", "not_after", "self_signed", "created_at"]
    exclude = ["private_key_pem"]
