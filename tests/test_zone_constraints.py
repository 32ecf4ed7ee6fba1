"""The database refuses zone shapes the forms should have stopped: the backstop."""

import pytest
from django.db import IntegrityError, connection, transaction

OUT_OF_BOUNDS = "SRID=4326;MULTIPOLYGON(((170 50,200 50,200 51,170 51,170 50)))"
BOW_TIE = "SRID=4326;MULTIPOLYGON(((36 50,37 51,36 51,37 50,36 50)))"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ewkt", "constraint"),
    [(OUT_OF_BOUNDS, "zone_geom_in_bounds"), (BOW_TIE, "zone_geom_valid")],
)
def test_a_raw_update_with_a_bad_shape_is_refused(ewkt, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE zones_zone SET geom = ST_GeomFromEWKT(%s) WHERE slug = 'ukraine'", [ewkt]
            )


@pytest.mark.django_db
def test_a_shape_in_another_srid_is_refused():
    with pytest.raises(Exception, match="SRID"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE zones_zone SET geom = ST_GeomFromEWKT("
                "'SRID=3857;MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)))') WHERE slug = 'ukraine'"
            )
