"""First-pass secret masking: secrets go, evidence stays."""

import pytest

from tools.safety.mask import MASK, redact_entry, redact_text, redact_value


@pytest.mark.parametrize(
    "text,secret",
    [
        ("retrying with Authorization: Bearer ya29.a0AfH6SMBexampletoken", "ya29.a0AfH6SMBexampletoken"),
        ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
        ("connect postgres://app:hunter2@db.internal:5432/shop", "hunter2"),
        ("GET /cart?id=7&token=abc123&x=1", "abc123"),
        ("GET /maps?key=AIzaSyA1234567890abcdefghijklmnopqrstuv", "AIzaSyA1234567890abcdefghijklmnopqrstuv"),
        ("config password=\"s3cr3t pass\" user=bob", "s3cr3t pass"),
        ("api_key: sk_live_abcdefghijklmnop1234", "sk_live_abcdefghijklmnop1234"),
        ("aws key AKIAIOSFODNN7EXAMPLE loaded", "AKIAIOSFODNN7EXAMPLE"),
        ("token ghp_abcdefghijklmnopqrstuvwxyz0123456789 used", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
        ("slack xoxb-123456789012-abcdefghijkl", "xoxb-123456789012-abcdefghijkl"),
        (
            "jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFU",
            "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFU",
        ),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "MIIEowIBAAKCAQEA"),
        ("deployed by alice.smith@example.com", "alice.smith"),
    ],
)
def test_secrets_are_masked(text, secret):
    out = redact_text(text)
    assert secret not in out and MASK in out


@pytest.mark.parametrize(
    "text",
    [
        "Memory limit of 512 MiB exceeded with 530 MiB used. Consider increasing the memory limit",
        "instance 0069c7a9887544eefac3a648639e78fce573cf3ef4ce1929c7758a2c196cb71d started",
        'Default STARTUP TCP probe failed 1 time consecutively for container "app" on port 8080.',
        "The request was aborted because there was no available instance.",
        "token bucket refilled",  # the word alone is not a secret
    ],
)
def test_evidence_is_left_alone(text):
    assert redact_text(text) == text


def test_email_keeps_the_domain():
    assert redact_text("sa 123-compute@developer.gserviceaccount.com") == f"sa {MASK}@developer.gserviceaccount.com"


def test_values_under_secret_keys_and_env_pairs():
    value = {
        "password": "x1",
        "headers": {"Authorization": "Basic abc", "Accept": "json"},
        "env": [{"name": "DB_PASSWORD", "value": "p4ss"}, {"name": "PORT", "value": "8080"}],
    }
    out = redact_value(value)
    assert out["password"] == MASK and out["headers"] == {"Authorization": MASK, "Accept": "json"}
    assert out["env"] == [{"name": "DB_PASSWORD", "value": MASK}, {"name": "PORT", "value": "8080"}]
    assert value["password"] == "x1"  # the input is not modified


def test_entry_identity_fields_survive():
    entry = {
        "insertId": "abc",
        "logName": "projects/p/logs/run.googleapis.com%2Fstderr",
        "timestamp": "2024-05-01T12:00:00Z",
        "trace": "projects/p/traces/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
        "resource": {"type": "cloud_run_revision", "labels": {"service_name": "x"}},
        "textPayload": "Authorization: Bearer abcdefghijklmnop",
        "labels": {"instanceId": "00ab"},
    }
    out = redact_entry(entry)
    assert {k: out[k] for k in ("insertId", "logName", "timestamp", "trace", "resource", "labels")} == {
        k: entry[k] for k in ("insertId", "logName", "timestamp", "trace", "resource", "labels")
    }
    assert out["textPayload"] == f"Authorization: Bearer {MASK}"
