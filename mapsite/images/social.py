"""Link previews (Open Graph, Twitter cards) for the map page: a picture of the view shown
(/api/map.png) and a description saying the verdict at the chosen point, or the version."""

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse

from mapsite.images import render
from mapsite.zones import engine, vocabulary

WIDTH, HEIGHT = 1200, 630  # the size link previews ask for


def picture_query(view: dict) -> str:
    """/api/map.png's query for the page's view: its date, the box a 1200×630 map at its
    centre and zoom shows, and its chosen point."""
    centre = view["center"]
    frame = render.Frame.centred(centre["lat"], centre["lon"], view["zoom"], WIDTH, HEIGHT)
    query = {"date": view["date"], "bbox": ",".join(f"{value:.2f}" for value in frame.bounds)}
    if view["point"]:
        query |= {"lat": f"{view['point']['lat']:.5f}", "lon": f"{view['point']['lon']:.5f}"}
    return urlencode(query)


def description(snap, view: dict) -> str:
    """The verdict at the view's point (its label and its main reason), else the summary of
    the version in force."""
    day = dt.date.fromisoformat(view["date"])
    words = vocabulary.day_in_words(day)
    point = view["point"]
    if point:
        verdict = engine.verdict_at(
            engine.LonLat(point["lon"], point["lat"]),
            view["weapon"] or None,
            view["target"] or None,
            day,
        )
        why = next((r["text"] for r in verdict["reasons"] if r["main"]), "")
        where = f"{point['lat']:.4f}, {point['lon']:.4f}"
        return f"{verdict['label']} at {where} on {words}. {why}".strip()
    policy = snap.policy_on(day)
    if policy is None:
        return f"No policy version in the map's record is in force on {words}."
    return f"{policy.title}, in force on {words}: {policy.summary}"


def title(snap, view: dict, site: str) -> str:
    """The version shown and its day, then the site's name."""
    day = dt.date.fromisoformat(view["date"])
    policy = snap.policy_on(day)
    shown = policy.title if policy else "No policy version in force"
    return f"{shown}, {vocabulary.day_in_words(day)} · {site}"


def tags(request, snap, view: dict, site: str) -> dict:
    """What templates/front/_social.html writes into the page's head."""
    picture = reverse("images:picture", args=["png"]) + "?" + picture_query(view)
    return {
        "site": site,
        "title": title(snap, view, site),
        "description": description(snap, view),
        "image": request.build_absolute_uri(picture),
        "image_width": WIDTH,
        "image_height": HEIGHT,
        "url": request.build_absolute_uri(),
    }
