"""The reference layers, the gazetteer and the data version the caches watch."""

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db.models import F, Func

from mapsite.zones.place_search import SEARCH_FORM, PlaceQuerySet
from mapsite.zones.querysets import DataVersionQuerySet


class ReferenceFeature(models.Model):
    """A reference layer feature: a country, an oblast, the border or the Kharkiv segment,
    or a neighbouring country the outline basemap draws as land (never a `country`: the
    policy's zones are cut from Ukraine and Russia only)."""

    class Layer(models.TextChoices):
        COUNTRY = "country", "Country"
        OBLAST = "oblast", "Oblast"
        BORDER = "border", "Border line"
        NEIGHBOUR = "neighbour", "Neighbouring country (basemap only)"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    layer = models.CharField(max_length=20, choices=Layer.choices)
    properties = models.JSONField(default=dict, blank=True)
    geom = models.GeometryField(srid=4326)

    class Meta:
        ordering = ["layer", "slug"]

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    """A populated place from GeoNames, for labels and place search."""

    geonameid = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=200, db_index=True)
    name_uk = models.CharField("Ukrainian name", max_length=200, blank=True)
    name_ru = models.CharField("Russian name", max_length=200, blank=True)
    country = models.CharField(max_length=2)
    population = models.PositiveIntegerField(default=0)
    admin1 = models.CharField(max_length=20, blank=True)
    admin1_name = models.CharField("GeoNames region", max_length=100, blank=True)
    point = models.PointField(srid=4326)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["-population", "geonameid"]

    def __str__(self) -> str:
        return self.name


class PlaceName(models.Model):
    """One name a place is known by (its main name and every GeoNames alternate name)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "name"], name="zones_placename_unique")
        ]
        indexes = [
            GinIndex(
                OpClass(Func(F("name"), function=SEARCH_FORM), name="gin_trgm_ops"),
                name="zones_placename_trgm",
                fastupdate=False,  # loads are rare; no pending list to scan after one
            )
        ]

    def __str__(self) -> str:
        return self.name


class DataVersion(models.Model):
    """A single counter bumped on every published change; workers' caches watch it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)

    objects = DataVersionQuerySet.as_manager()
