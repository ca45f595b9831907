"""The HAR export: checked against a schema written from HAR 1.2, and against the npm
package har-schema's."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator

from explorer.sessions.export import export
from explorer.sessions.format import read_session

DATA = Path(__file__).resolve().parents[1] / "data"
HAR_SCHEMA = json.loads((DATA / "har-1.2.schema.json").read_text())


def test_har_export_is_valid_har_1_2(labos_session, labstep_session, tmp_path):
    for session in (labos_session, labstep_session):
        har = json.loads(export(read_session(session), "har"))
        errors = list(Draft202012Validator(HAR_SCHEMA).iter_errors(har))
        assert not errors, [e.message for e in errors[:5]]
        recorded = read_session(session)
        assert len(har["log"]["entries"]) == len(recorded)
        first = har["log"]["entries"][0]
        assert first["request"]["url"].startswith(recorded.base_url)
    upload = har["log"]["entries"][3]["request"]["postData"]
    assert upload["mimeType"] == "multipart/form-data"
    assert {p["name"] for p in upload["params"]} == {"file", "experiment_id"}


def _third_party_har_validator():
    """The JSON Schemas of the npm package har-schema 2.0.0 (ISC, copied to
    data/har-schema with its LICENSE): the ones har-validator, and so the request
    library's HAR support, check with."""
    from jsonschema import Draft6Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT6

    folder = DATA / "har-schema"
    registry = Registry().with_resources(
        (path.name + "#", Resource.from_contents(json.loads(path.read_text()),
                                                 default_specification=DRAFT6))
        for path in folder.glob("*.json")
    )
    registry = registry.with_resources(
        (path.name, registry[path.name + "#"]) for path in folder.glob("*.json")
    )
    return Draft6Validator({"$ref": "har.json#"}, registry=registry,
                           format_checker=FormatChecker())


def test_har_export_passes_the_har_schema_package(labos_session, labstep_session):
    validator = _third_party_har_validator()
    for session in (labos_session, labstep_session):
        har = json.loads(export(read_session(session), "har"))
        errors = list(validator.iter_errors(har))
        assert not errors, [e.message for e in errors[:5]]
    har["log"]["entries"][0]["request"].pop("method")
    har["log"]["entries"][0]["timings"]["send"] = "soon"
    assert len(list(validator.iter_errors(har))) >= 2


def test_har_schema_rejects_what_is_not_har():
    validator = Draft202012Validator(HAR_SCHEMA)
    assert list(validator.iter_errors({"log": {"version": "1.2", "entries": []}}))
    broken = {"log": {"version": "1.2", "creator": {"name": "x", "version": "1"},
                      "entries": [{"startedDateTime": "yesterday"}]}}
    assert list(validator.iter_errors(broken))
