"""Policy versions in the admin: checked, recorded and locked like zones."""

import datetime as dt

import pytest

from mapsite.zones.admin_policy import PolicyForm
from mapsite.zones.errors import EditConflict
from mapsite.zones.models import Policy, Source
from tests.admin_fixtures import *  # noqa: F403
from tests.admin_fixtures import client_for, get, post, posted

STALE = "after you opened it; reload to see their changes — your edit was not saved."


def version(slug: str) -> Policy:
    return Policy.objects.get(slug=slug)


def url(policy: Policy) -> str:
    return f"/admin/zones/policy/{policy.pk}/change/"


def policy_data(policy: Policy, **changes) -> dict:
    """What the version change form posts for `policy` as loaded now, `changes` applied."""
    return posted(PolicyForm(instance=policy), **changes)


def errors_of(response) -> str:
    assert response.status_code == 200, "the form was accepted"
    return response.content.decode()


@pytest.mark.django_db
def test_a_policy_version_saves_and_is_recorded_with_who(editor_client):
    policy = version("counter-fire-kharkiv-sumy")
    records, loaded = policy.history.count(), policy.version
    data = policy_data(policy, summary="Checked again.")
    assert post(editor_client, url(policy), data).status_code == 302
    policy.refresh_from_db()
    assert policy.summary == "Checked again." and policy.version == loaded + 1
    latest = policy.history.first()
    assert policy.history.count() == records + 1
    assert latest.history_user.username == "editor" and latest.version == loaded + 1


@pytest.mark.django_db
def test_dates_must_be_in_order(editor_client):
    policy = version("counter-fire-kharkiv-sumy")
    data = policy_data(policy, effective_from="2024-06-10", effective_to="2024-06-01")
    assert "The version must end after it starts." in errors_of(
        post(editor_client, url(policy), data)
    )
    assert version("counter-fire-kharkiv-sumy").version == policy.version


@pytest.mark.django_db
def test_a_period_overlapping_another_applied_version_is_refused(editor_client):
    policy = version("counter-fire-kharkiv-sumy")  # 31 May – 17 June 2024
    data = policy_data(policy, effective_to="2024-07-01")  # runs into the next version
    html = errors_of(post(editor_client, url(policy), data))
    assert "overlaps “Counter-fire wherever Russian forces attack across the border”" in html
    assert "17 June 2024" in html
    assert version("counter-fire-kharkiv-sumy").effective_to == dt.date(2024, 6, 17)


@pytest.mark.django_db
def test_a_new_open_ended_version_overlapping_the_current_one_is_refused(editor_client):
    source = Source.objects.first()
    data = {
        "slug": "new-version", "title": "A new version", "summary": "New.", "changes": "",
        "government": "United States", "confidence": "reported",
        "effective_from": "2026-01-01", "effective_to": "", "sources": [str(source.pk)],
        "assumptions": [],
    }  # fmt: skip
    html = errors_of(post(editor_client, "/admin/zones/policy/add/", data))
    assert "overlaps “Pentagon approval required" in html
    assert not Policy.objects.filter(slug="new-version").exists()
    # A disputed version is shown but never applied: it may overlap.
    data["confidence"] = "disputed"
    assert post(editor_client, "/admin/zones/policy/add/", data).status_code == 302
    assert Policy.objects.get(slug="new-version").version == 2  # created, then its source linked


@pytest.mark.django_db
def test_a_version_needs_a_source_and_a_known_confidence(editor_client):
    policy = version("counter-fire-kharkiv-sumy")
    data = policy_data(policy, sources=[], confidence="rumoured")
    html = errors_of(post(editor_client, url(policy), data))
    assert "Cite at least one source for this version." in html
    assert "rumoured is not one of the available choices" in html
    form = PolicyForm(policy_data(policy), instance=policy)
    assert form.is_valid(), form.errors
    form.cleaned_data["confidence"] = "rumoured"  # past the field's own choices
    form._errors = {}
    form.clean()
    assert "Confidence must be one of on_record, reported, disputed." in str(form.errors)


@pytest.mark.django_db
def test_a_save_over_someone_elses_change_is_refused_with_the_zones_message(
    editor_client, other_editor
):
    policy = version("counter-fire-kharkiv-sumy")
    page = get(editor_client, url(policy)).content.decode()
    assert f'name="loaded_version" value="{policy.version}"' in page
    mine = policy_data(policy, summary="Mine.")
    theirs = policy_data(policy, sources=[str(Source.objects.last().pk)])  # links only
    assert post(client_for(other_editor), url(policy), theirs).status_code == 302
    assert version(policy.slug).version > policy.version  # a change of sources counts

    html = errors_of(post(editor_client, url(policy), mine))
    assert "This policy version was changed by other-editor at " in html and STALE in html
    assert version(policy.slug).summary != "Mine."


@pytest.mark.django_db
def test_the_database_refuses_a_stale_copy_of_a_version():
    policy, stale = version("counter-fire-kharkiv-sumy"), version("counter-fire-kharkiv-sumy")
    policy.summary = "First."
    policy.save()
    assert policy.version == stale.version + 1
    stale.summary = "Second, from an old copy."
    with pytest.raises(EditConflict, match="This policy version was changed by"):
        stale.save()
    assert version(policy.slug).summary == "First."


@pytest.mark.django_db
def test_a_version_revert_page_is_read_only_and_says_what_was_restored(editor_client):
    policy = version("counter-fire-kharkiv-sumy")
    original = policy.history.first()
    assert post(editor_client, url(policy), policy_data(policy, title="Renamed")).status_code == 302
    revert_url = f"/admin/zones/policy/{policy.pk}/history/{original.history_id}/"
    html = get(editor_client, revert_url).content.decode()
    assert 'name="title"' not in html and 'class="shown-value"' in html
    renamed = version(policy.slug).version
    response = post(editor_client, revert_url, {"loaded_version": str(renamed)}, follow=True)
    policy.refresh_from_db()
    assert policy.title == original.title and policy.version == renamed + 1
    message = str(list(response.context["messages"])[0])
    assert message.startswith(f"Reverted “{original.title}” to the version recorded on ")
    assert f"(version {original.version}, " in message


@pytest.mark.django_db
def test_a_versions_history_records_its_sources_and_a_revert_restores_them(editor_client):
    policy = version("counter-fire-kharkiv-sumy")
    cited = sorted(policy.sources.values_list("pk", flat=True))
    extra = Source.objects.exclude(pk__in=cited).first()
    records = policy.history.count()
    data = policy_data(policy, sources=[str(pk) for pk in [*cited, extra.pk]], summary="More.")
    assert post(editor_client, url(policy), data).status_code == 302
    assert policy.history.count() == records + 1  # fields and links: one recorded change
    latest, before = policy.history.all()[:2]
    assert sorted(latest.sources.values_list("source_id", flat=True)) == sorted([*cited, extra.pk])
    assert sorted(before.sources.values_list("source_id", flat=True)) == cited
    listing = get(editor_client, f"/admin/zones/policy/{policy.pk}/history/").content.decode()
    assert "Sources:" in listing[listing.index("<tbody") :]  # the change lists the links

    revert_url = f"/admin/zones/policy/{policy.pk}/history/{before.history_id}/"
    current = version(policy.slug).version
    assert post(editor_client, revert_url, {"loaded_version": str(current)}).status_code == 302
    policy.refresh_from_db()
    assert sorted(policy.sources.values_list("pk", flat=True)) == cited
    assert policy.summary == before.summary
