"""Profiles: shipped ones load, bad ones fail with one clear line."""

from __future__ import annotations

import pytest

from tools.errors import InputError, UsageError
from tools.scan.profiles import list_profiles, load_profile, matches_service, validate_profile


def test_generic_is_the_default_and_empty():
    profile = load_profile(None)
    assert profile["name"] == "generic"
    assert profile["always_inspect"] == [] and profile["known_risks"] == []


def test_sitebookify_profile_names_the_known_files_and_risks():
    profile = load_profile("sitebookify")
    assert "src/app/queue.rs" in profile["always_inspect"]
    assert "infra/terraform/cloudrun-public-gcs/main.tf" in profile["deploy_config"]
    labels = [r["label"] for r in profile["known_risks"]]
    assert labels[0] == "background-work-outside-request" and "no-available-instance" in labels
    assert matches_service(profile, "sitebookify") and matches_service(profile, "sitebookify-worker")
    assert not matches_service(profile, "other-service")


def test_unknown_profile_lists_the_available_ones():
    with pytest.raises(UsageError, match="available: .*generic.*sitebookify"):
        load_profile("nope")
    assert {"generic", "sitebookify"} <= set(list_profiles())


@pytest.mark.parametrize("name", ["../etc/passwd", "Sitebookify", "a/b"])
def test_profile_names_cannot_escape_the_directory(name):
    with pytest.raises(UsageError, match="not valid"):
        load_profile(name)


@pytest.mark.parametrize(
    "data, message",
    [
        ([], "expected a mapping"),
        ({"always_inspect": "src/x.rs"}, "must be a list"),
        ({"always_inspect": ["/etc/passwd"]}, "relative"),
        ({"always_inspect": ["../x"]}, "relative"),
        ({"known_risks": [{"label": "x"}]}, "label and why"),
        ({"service_naming": {"name_patterns": ["("]}}, "bad name pattern"),
    ],
)
def test_malformed_profiles_are_input_errors(data, message):
    with pytest.raises(InputError, match=message):
        validate_profile(data, "custom")


def test_malformed_yaml_file_is_one_line(tmp_path):
    (tmp_path / "broken.yaml").write_text("name: [unclosed\n")
    with pytest.raises(InputError, match="not valid YAML"):
        load_profile("broken", tmp_path)
