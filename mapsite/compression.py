"""Compression as the client asks, by RFC 9110 (12.5.3 Accept-Encoding): the API and the page.

One reading of Accept-Encoding for every response: codings compared case-insensitively,
q-values honoured (q=0 means "not acceptable"), `*` standing for any coding not named,
and `identity` acceptable unless refused by `identity;q=0` (or `*;q=0` without an
`identity` entry). No header: identity. A malformed member is ignored.
"""

import re
from functools import lru_cache
from types import SimpleNamespace

from django.middleware.gzip import GZipMiddleware as DjangoGZipMiddleware

GZIP, IDENTITY = "gzip", "identity"
GZIP_MIN_BYTES = 200  # below this Django's GZipMiddleware leaves a body alone, and so does serve()
# qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
QVALUE = re.compile(r"(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)")
TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


@lru_cache(maxsize=256)
def coding_weights(header: str) -> dict[str, float]:
    """{coding (lower case): q} for each well-formed member of an Accept-Encoding value."""
    weights: dict[str, float] = {}
    for member in header.split(","):
        coding, *parameters = (part.strip() for part in member.split(";"))
        if not TOKEN.fullmatch(coding):
            continue
        q = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                value = value.strip()
                q = float(value) if QVALUE.fullmatch(value) else -1.0
        if q >= 0:
            weights[coding.lower()] = q
    return weights


def use_gzip(header: str | None, size: int, min_size: int) -> bool:
    """Whether to send gzip: accepted, and not less welcome than a named or wildcard
    identity (an identity left unnamed is the least preferred). A body under `min_size`
    stays plain unless the client refuses identity."""
    if header is None:
        return False
    weights = coding_weights(header)
    gzip_q = weights.get(GZIP, weights.get("*", 0.0))
    if gzip_q <= 0:
        return False
    identity_q = weights.get(IDENTITY, weights.get("*"))
    if identity_q == 0:
        return True
    return size >= min_size and (identity_q is None or gzip_q >= identity_q)


class GZipMiddleware(DjangoGZipMiddleware):
    """Django's GZipMiddleware (which looks for the bare word "gzip") deciding by RFC 9110.
    A response whose view chose its coding itself (`coding_chosen`: the API's `serve()`,
    gzip or not) is left as it is."""

    def process_response(self, request, response):
        if getattr(response, "coding_chosen", False):
            return response
        header = request.META.get("HTTP_ACCEPT_ENCODING")
        size = GZIP_MIN_BYTES if response.streaming else len(response.content)
        wanted = use_gzip(header, size, GZIP_MIN_BYTES)
        # Django's class reads only this one header from the request: hand it the decision.
        decided = SimpleNamespace(META={"HTTP_ACCEPT_ENCODING": GZIP if wanted else ""})
        return super().process_response(decided, response)
