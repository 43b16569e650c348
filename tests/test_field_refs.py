"""Decode errors that name a type's field are pinned on the field's declaration."""

from __future__ import annotations

import json
from pathlib import Path

from tools.analysis.stack_frames import locate_errors

GO = """package openrtb

type Device struct {
\tUA  string `json:"ua"`
\tGeo *Geo   `json:"geo,omitempty"`
}

type Geo struct {
\tLat     float64 `json:"lat"`
\tLon     float64 `json:"lon"`
}

type Other struct {
\tLat string `json:"lat"`
}
"""
JAVA = """package com.acme;

public class Geo {
    @JsonProperty("lat")
    private double latitude;
    private double lon;
}
"""
GO_ERROR = "json: cannot unmarshal string into Go struct field Geo.device.geo.lat of type float64"
JACKSON_ERROR = ('Cannot deserialize value of type `double` from String "x": not a valid `double` value\n'
                 ' (through reference chain: com.acme.BidRequest["device"]->com.acme.Geo["lat"])')


def _write(root: Path, rel: str, text: str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text)


def _record(message: str, n: int = 0) -> dict:
    return {"message": message, "timestamp": f"2026-08-25T06:12:0{n}Z", "raw_ref": f"run.googleapis.com/stdout#{n}",
            "severity": "ERROR", "log_kind": "stdout",
            "resource": {"type": "cloud_run_revision", "service_name": "ads-api", "revision_name": "ads-api-2"}}


def test_go_decode_error_in_a_json_payload_points_at_the_tagged_field(tmp_path):
    _write(tmp_path, "internal/openrtb/openrtb.go", GO)
    payload = json.dumps({"err": GO_ERROR, "msg": "bid request decode"})
    located = locate_errors([_record(payload, 1), _record(payload, 2)], tmp_path)
    assert len(located) == 1
    group = located[0]
    assert group["raw_ref"] == "internal/openrtb/openrtb.go:9"  # Geo's Lat, not Other's (line 14)
    assert group["count"] == 2 and group["format"] == "go-json-field"
    assert group["error"] == GO_ERROR  # the decode sentence, not the whole JSON payload
    assert "REQUEST_DECODE_ERROR" in group["signature_ids"]
    assert group["snippet"].startswith("Lat")


def test_jackson_reference_chain_points_at_the_annotated_field(tmp_path):
    _write(tmp_path, "src/main/java/com/acme/Geo.java", JAVA)
    located = locate_errors([_record(JACKSON_ERROR)], tmp_path)
    assert [g["raw_ref"] for g in located] == ["src/main/java/com/acme/Geo.java:4"]


def test_two_types_of_that_name_are_not_guessed_between(tmp_path):
    _write(tmp_path, "a/openrtb.go", GO)
    _write(tmp_path, "b/openrtb.go", GO.replace("package openrtb", "package legacy"))
    assert locate_errors([_record(GO_ERROR)], tmp_path) == []


def test_a_field_outside_the_type_body_is_not_taken(tmp_path):
    _write(tmp_path, "geo.go", "package p\n\ntype Geo struct {\n\tLon float64\n}\n\nvar lat = 1\n")
    assert locate_errors([_record(GO_ERROR)], tmp_path) == []
