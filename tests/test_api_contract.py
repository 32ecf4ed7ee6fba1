"""Schemathesis against /api/openapi.json on a live server: the API keeps its contract.

Every phase schemathesis runs from the command line (examples, coverage, fuzzing), all
its checks, positive and negative data, a fixed seed and a bounded number of examples;
any failure fails the test and is listed. The one rule the document states only in words
(a bbox minimum must not exceed its maximum: JSON Schema cannot compare two items) is
taught to the generator by a hook, for valid cases only.
"""

import time

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events

SEED = 20261201
MAX_EXAMPLES = 20
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
]


def ordered_box(value):
    """bbox with each minimum at most its maximum, when it is four numbers."""
    parts = value.split(",") if isinstance(value, str) else value
    if not isinstance(parts, list) or len(parts) != 4:
        return value
    try:
        numbers = [float(part) for part in parts]
    except (TypeError, ValueError):
        return value
    ordered = list(parts)
    for low, high in ((0, 2), (1, 3)):
        if numbers[low] > numbers[high]:
            ordered[low], ordered[high] = parts[high], parts[low]
    return ",".join(map(str, ordered)) if isinstance(value, str) else ordered


def load(url: str):
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": MAX_EXAMPLES, "mode": "all"},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
            "phases": {"stateful": {"enabled": False}},
        }
    )
    schema = schemathesis.openapi.from_url(url, config=config)

    @schema.hook
    def map_query(context, query):
        if query and "bbox" in query:
            query["bbox"] = ordered_box(query["bbox"])
        return query

    return schema


def run(schema) -> tuple[int, list[str], list[str]]:
    """(cases, failures, checks run) of one schemathesis run."""
    cases, failures, ran = 0, [], set()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.NonFatalError | events.FatalError):
            failures.append(f"{event.__class__.__name__}: {getattr(event, 'info', event)}")
        if not isinstance(event, events.ScenarioFinished):
            continue
        recorder = event.recorder
        cases += len(recorder.cases)
        for case_id, checks in recorder.checks.items():
            for check in checks:
                ran.add(check.name)
                if check.status != Status.FAILURE:
                    continue
                interaction = recorder.interactions.get(case_id)
                request = interaction.request.uri if interaction else case_id
                status = interaction.response.status_code if interaction else None
                title = check.failure_info.failure.title if check.failure_info else ""
                failures.append(f"{check.name}: {request} -> {status} ({title})")
    return cases, sorted(set(failures)), sorted(ran)


def test_the_api_keeps_its_contract(loaded_live_server):
    started = time.monotonic()
    schema = load(f"{loaded_live_server.url}/api/openapi.json")
    cases, failures, ran = run(schema)
    seconds = time.monotonic() - started
    print(f"schemathesis {schemathesis.__version__}: {cases} cases, seed {SEED}, {seconds:.0f} s")
    assert not failures, "\n".join(failures)
    assert cases >= 300, "the run generated too few cases to mean much"
    assert {"not_a_server_error", "negative_data_rejection", "positive_data_acceptance"} <= set(ran)


def test_the_hook_orders_only_a_box_of_four_numbers():
    assert ordered_box("10,0,5,1") == "5,0,10,1"
    assert ordered_box([0, 10, 1, 5]) == [0, 5, 1, 10]
    assert ordered_box("a,b,c,d") == "a,b,c,d"
    assert ordered_box("1,2,3") == "1,2,3"
