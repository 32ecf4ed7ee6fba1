"""params.query_of: the API's query read as Django's QueryDict reads it, without building one;
and a query of too many parameters refused with a 400, on every API and OGC endpoint."""

import logging

import pytest
from django.http import QueryDict
from django.test import RequestFactory, override_settings

from mapsite.api import params
from tests.api_support import get

QUERIES = [
    "",
    "lat=50.1&lon=36.2&date=2024-06-10",
    "lat=50&lat=51&lon=&weapon",
    "q=Kharkiv+oblast&q=%2B1&empty=&=nameless",
    "q=%D0%A5%D0%B0%D1%80%D0%BA%D1%96%D0%B2",  # UTF-8 percent-encoded
    "q=%FF%FE%00x",  # not UTF-8 once decoded: replaced, as Django does
    "q=%25%32%35&a=b=c&&&;x=1",
    "lat=50&lon=36&q=" + "%FF" * 2000,
    "a=b=c&&&;x=1&=&==&lat",  # nothing to decode: read without parse_qsl, alike
    "&lat=50.25&lon=36.5&weapon=himars&target=&lang=uk&",
]


@pytest.mark.parametrize("query", QUERIES)
def test_it_reads_what_a_querydict_reads(query):
    request = RequestFactory().get("/api/verdict?" + query)
    assert params.query_of(request) == {
        name: QueryDict(query).getlist(name) for name in QueryDict(query)
    }


def test_it_decodes_raw_latin1_bytes_as_django_does():
    request = RequestFactory().get("/api/places")
    request.META["QUERY_STRING"] = "q=Kharkiv\xe9&q=\xd0\xa5"  # raw bytes, as WSGI passes them
    expected = QueryDict(request.META["QUERY_STRING"].encode("iso-8859-1"))
    assert params.query_of(request) == dict(expected.lists())


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=20)
@pytest.mark.parametrize("value", ["1", "%31"])  # nothing to decode, or something
def test_more_parameters_than_the_limit_are_a_bad_query(value):
    request = RequestFactory().get("/api/verdict?" + "&".join(f"p{i}={value}" for i in range(21)))
    with pytest.raises(params.BadParam) as refused:
        params.query_of(request)
    assert refused.value.field == "query"
    assert "20" in refused.value.message
    at_the_limit = RequestFactory().get("/api/verdict?" + "&".join(f"p{i}=1" for i in range(20)))
    assert len(params.query_of(at_the_limit)) == 20


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=None)
def test_no_limit_reads_them_all():
    request = RequestFactory().get("/api/verdict?" + "&".join(f"p{i}=1" for i in range(1500)))
    assert len(params.query_of(request)) == 1500


TOO_MANY = "&".join(f"p{i}=1" for i in range(1001))  # Django's default limit is 1,000


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/verdict?lat=50&lon=36&",
        "/api/zones.geojson?",
        "/api/policies?",
        "/api/places?q=Kharkiv&",
        "/ogc/?",
        "/ogc/collections?",
        "/ogc/collections/zones/items?",
    ],
)
def test_too_many_parameters_get_a_400_naming_the_query_not_a_500(client, caplog, path):
    with caplog.at_level(logging.ERROR):
        response = get(client, path + TOO_MANY)
    assert response.status_code == 400, response.content
    assert response.json() == {"error": "the query has more than 1000 parameters", "field": "query"}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
