"""JSON or HTML: the `f` parameter first, then the Accept header (q-values, any case)."""

from django.http import HttpRequest

from mapsite.api import params

JSON, HTML = "json", "html"
FORMATS = (JSON, HTML)
# The media types each format answers to, most specific first.
MEDIA = {
    JSON: ("application/geo+json", "application/json", "application/vnd.oai.openapi+json"),
    HTML: ("text/html", "application/xhtml+xml"),
}


def _accepted(header: str) -> list[tuple[str, float]]:
    """(media range, q) for each well-formed entry of an Accept header."""
    ranges = []
    for entry in header.split(","):
        media, *options = (part.strip() for part in entry.split(";"))
        media = media.lower()
        if media.count("/") != 1:
            continue
        q = 1.0
        for option in options:
            name, _, value = option.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media: str, ranges: list[tuple[str, float]]) -> float:
    """The q the most specific matching range gives `media` (RFC 9110 12.5.1); 0: none."""
    kind = media.split("/")[0]
    best, specificity = 0.0, -1
    for pattern, q in ranges:
        if pattern == media:
            level = 2
        elif pattern == f"{kind}/*":
            level = 1
        elif pattern == "*/*":
            level = 0
        else:
            continue
        if level > specificity or (level == specificity and q > best):
            best, specificity = q, level
    return best


def from_accept(request: HttpRequest, default: str = JSON) -> str:
    """The format the Accept header prefers; `default` on a tie or without the header."""
    header = request.META.get("HTTP_ACCEPT", "")
    ranges = _accepted(header[:2000])
    if not ranges:
        return default
    scores = {fmt: max(_quality(m, ranges) for m in MEDIA[fmt]) for fmt in FORMATS}
    other = HTML if default == JSON else JSON
    return other if scores[other] > scores[default] else default


def negotiate(request: HttpRequest) -> str:
    """`f=json|html` when given (any case), else what the Accept header prefers."""
    value = params.raw(request.GET, "f")
    if value is None:
        return from_accept(request)
    if value.lower() not in FORMATS:
        shown = value if len(value) <= 20 and value.isprintable() else "given"
        raise params.BadParam("f", f"f {shown!r} is unknown; expected json or html")
    return value.lower()
