"""What the online geocoders found, kept so that one address is asked once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GeocodedAddress(models.Model):
    """One answer of an online geocoder for one normalised address (``key`` is its SHA-256)."""

    key = models.CharField(max_length=64, unique=True)
    country = models.CharField(_("country"), max_length=2)
    query = models.CharField(_("address asked"), max_length=400)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    source = models.CharField(_("geocoder"), max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("geocoded address")
        verbose_name_plural = _("geocoded addresses")

    def __str__(self):
        return self.query
