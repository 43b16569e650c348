"""First-pass secret masking: secrets go, evidence stays."""

import pytest

from tools.safety.mask import MASK, mask_text, mask_value, redact_entry, redact_text, redact_value
from tools.safety.patterns import catalog, library_patterns, load_data


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


def test_email_keeps_the_domain_and_service_accounts_stay_whole():
    assert redact_text("by alice.smith@example.com") == f"by {MASK}@example.com"
    # which identity lacked a permission is evidence, not a secret
    text = "sa 123-compute@developer.gserviceaccount.com"
    assert redact_text(text) == text


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


@pytest.mark.parametrize("example", catalog().examples, ids=lambda e: e["kind"])
def test_every_catalog_example_loses_its_secret(example):
    out = mask_text(example["text"])
    assert example["secret"] not in out and MASK in out
    assert mask_text(out) == out  # idempotent


def test_the_detect_secrets_copy_matches_the_installed_plugins():
    data = load_data()
    copied = {module: [e["regex"] for e in entries] for module, entries in data["detect_secrets_patterns"].items()}
    assert copied == library_patterns(data["detect_secrets_plugins"])


@pytest.mark.parametrize(
    "text,secret",
    [
        ("DATABASE_PASSWORD=Xk29vLq0 PORT=8080", "Xk29vLq0"),
        ("DB_PASSWORD= pw99z", "pw99z"),
        ("PGPASSWORD=s3cr3t psql -h db", "s3cr3t"),
        ("SECRET_KEY=django-insecure-7x#k", "django-insecure-7x#k"),
        ("MYSQL_ROOT_PASSWORD: x", ": x"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI"),
        ("GET /cb?bearer=abc123def&state=1", "abc123def"),
        ("GET /cb?access_token=tok777&x=1", "tok777"),
        ("https://api.trello.com/1/cards/x?key=0123abcd&token=ATTAdeadbeef", "0123abcd"),
        ("https://api.trello.com/1/cards/x?key=0123abcd&token=ATTAdeadbeef", "ATTAdeadbeef"),
        ("mysql://root:rootpw1@db:3306/x", "rootpw1"),
        ("redis://:r3dis@10.0.0.3:6379/0", "r3dis"),
        ("mongodb+srv://admin:Pa55w0rd@cluster0.mongodb.net/db", "Pa55w0rd"),
        ("refresh 1//0gLmN0pQrStUvWxYz-0123456789ab", "1//0gLmN0pQrStUvWxYz"),
        ('{"type": "service_account", "private_key_id": "9f8e7d6c5b4a"}', "9f8e7d6c5b4a"),
        ("exec app --db-password Tr0ub4dor3", "Tr0ub4dor3"),
    ],
)
def test_issue_16_shapes_are_masked(text, secret):
    assert secret not in mask_text(text)


def test_every_secret_in_one_field_is_masked():
    secrets = [f"pw{i}Zq81" for i in range(12)]
    text = " ".join(f"DB{i}_PASSWORD={s}" for i, s in enumerate(secrets)) + " " + "x" * 500
    out = mask_text(text)
    assert not [s for s in secrets if s in out] and out.count(MASK) == len(secrets)


@pytest.mark.parametrize(
    "text",
    [
        "spec.template.spec.containers[0].env[1].value_from.secret_key_ref.name: Permission denied on secret: "
        "projects/902211334455/secrets/slack-webhook-url/versions/latest",
        "--set-secrets WEBHOOK_SIGNING_KEY=payhook-signing-key:latest",
        "const secret = process.env.WEBHOOK_SIGNING_KEY",
        "    password = os.environ[\"DB_PASSWORD\"]",
        "async def verify(email: str, password: str) -> dict | None:",
        "Basic authentication is not configured",
        "invalid token: expired",
        "max_tokens=1024 input_tokens: 300",
        "cache key=user:42",
    ],
)
def test_references_and_prose_are_left_alone(text):
    assert mask_text(text) == text


def test_cloud_run_env_pairs_args_and_secret_references():
    container = {
        "env": [{"name": "STRIPE_API_KEY", "value": "sk_test_1"},
                {"name": "SLACK_URL", "valueSource": {"secretKeyRef": {"secret": "slack-webhook", "version": "3"}}}],
        "args": ["--api-key", "plainvalue", "--port", "8080"],
    }
    out = mask_value(container)
    assert out["env"][0]["value"] == MASK
    assert out["env"][1]["valueSource"] == {"secretKeyRef": {"secret": "slack-webhook", "version": "3"}}
    assert out["args"] == ["--api-key", MASK, "--port", "8080"]


def test_trello_scrub_masks_the_token_as_a_token_not_its_characters():
    from tools.sources.trello_client import TrelloClient

    with TrelloClient("ab", "t", base_url="http://127.0.0.1:9/1/") as client:
        out = client.scrub("GET /1/cards/abc?key=ab&token=t: the tenant token t was rejected")
    assert "tenant" in out and "/cards/abc" in out  # letters of the token elsewhere stay
    assert "token=t" not in out and "key=ab" not in out and " t was" not in out


def test_hostile_input_stays_linear_and_never_overflows():
    import time

    start = time.perf_counter()
    for text in ("key" * 100_000, "password=" * 30_000, "a@" * 100_000, "-----BEGIN PRIVATE KEY-----" + "A" * 300_000):
        mask_text(text)
    assert time.perf_counter() - start < 5  # quadratic backtracking would take minutes
    deep = node = {}
    for _ in range(3000):
        node["a"] = {"note": "DB_PASSWORD=zz99q"}
        node = node["a"]
    assert "zz99q" not in str(mask_value(deep))


def test_cli_error_lines_are_masked(capsys):
    from tools.cli import main

    assert main(["analyze-logs", "/nonexistent/x?token=Sec123xyz"]) != 0  # a ToolError line
    with pytest.raises(SystemExit) as usage:  # argparse's own usage error
        main(["fetch-logs", "--log-kinds", "x?token=Sec123xyz"])
    assert usage.value.code == 2
    err = capsys.readouterr().err
    assert "Sec123xyz" not in err and err.count("token=[REDACTED]") == 2


@pytest.mark.parametrize(
    "text",
    [
        "env:\n- name: DB_PASSWORD\n  value: hunter2x\n- name: PORT\n  value: '8080'",
        'env {\n  name  = "DB_PASSWORD"\n  value = "hunter2x"\n}',
        "env: [{name: DB_PASSWORD, value: hunter2x}, {name: PORT, value: '8080'}]",
        '[{"name": "DB_PASSWORD", "value": "hunter2x"}, {"name": "PORT", "value": "8080"}]',
    ],
)
def test_env_name_value_pairs_in_text(text):
    out = mask_text(text)
    assert "hunter2x" not in out and out.count("8080") == text.count("8080") and mask_text(out) == out


@pytest.mark.parametrize("ref", ["accounts/passwords.py:42", "src/secret_store.go:118:7", "auth/token.ts:9",
                                 "config/secrets.yaml:3", "infra/api_key.tf:12"])
def test_a_file_line_citation_with_a_secret_word_in_its_name_is_kept(ref):
    """Evidence cites `file:line`; a file named after passwords is not a password of 42."""
    assert mask_text(ref) == ref
    assert mask_text(f"raw_ref {ref} and DB_PASSWORD=hunter2abc") == f"raw_ref {ref} and DB_PASSWORD={MASK}"
