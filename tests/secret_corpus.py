"""A replay case seeded with secrets in every input channel, and a clean corpus of ordinary lines.

Used by tests/test_secret_corpus.py and benchmarks/security_secrets.py (issue 16). The case is a
copy of evals/cases/pricing-port-bind (service, revisions, request/stderr/audit logs, repository)
plus the sitebookify card, with secrets of many kinds planted into log text and JSON payloads,
request URLs, audit payloads (status messages and the service spec in a request), Cloud Run
condition messages, env values and args of the service and revisions, the card's description and
comments, and repository lines that a code pattern cites. Everything is generated from a fixed seed.
"""

from __future__ import annotations

import base64
import copy
import json
import random
import shutil
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
BASE_CASE = ROOT / "evals" / "cases" / "pricing-port-bind"
CARD_CASE = ROOT / "evals" / "cases" / "sitebookify-sample"
CARD_SHORT = "Xvlu1U1f"
_ALNUM = string.ascii_letters + string.digits


@dataclass(frozen=True)
class Secret:
    kind: str
    channel: str
    value: str  # the whole secret as planted
    core: str  # its random part: no output may hold even a 10-character piece of it at the start
    text: str  # the line it was planted in


def _rand(rng: random.Random, n: int, alphabet: str = _ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _kinds(rng: random.Random) -> dict[str, tuple[str, str, str]]:
    """kind -> (secret value, its random core, a line quoting it); fresh values on every call."""
    core = _rand(rng, 24)
    hexcore = _rand(rng, 40, "0123456789abcdef")
    b64 = base64.b64encode(f"svc-user:{core}".encode()).decode()
    jwt_core = base64.urlsafe_b64encode(json.dumps({"sub": core}).encode()).decode().rstrip("=")
    kinds: dict[str, tuple[str, str]] = {
        "google_api_key": (f"AIzaSy{core}{_rand(rng, 9)}", "geocode failed with API key {s}"),
        "oauth_access_token": (f"ya29.a0Af{core}", "upstream 401 for Authorization: Bearer {s}"),
        "oauth_refresh_token": (f"1//0g{core}", "could not exchange refresh token {s} for an access token"),
        "service_account_key_id": (hexcore, '{{"type": "service_account", "private_key_id": "{s}", "client_email": '
                                            '"sa@p.iam.gserviceaccount.com"}}'),
        "pem_private_key": (f"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC{core}", '"private_key": "-----BEGIN PRIVATE KEY-----\\n'
                                                                        '{s}\\n-----END PRIVATE KEY-----\\n"'),
        "jwt": (f"eyJhbGciOiJSUzI1NiJ9.{jwt_core}.{core}", "rejected id token {s} (expired)"),
        "basic_auth": (b64, "proxy said 407 to Authorization: Basic {s}"),
        "postgres_dsn": (f"Pg{core}", "could not connect to postgres://app:{s}@10.20.0.5:5432/pricing"),
        "mysql_dsn": (f"My{core}", "dial mysql://root:{s}@127.0.0.1:3306/rates failed"),
        "redis_dsn": (f"Rd{core}", "redis.exceptions.ConnectionError: redis://:{s}@10.0.0.3:6379/0"),
        "mongodb_srv_dsn": (f"Mg{core}", "MongoServerSelectionError mongodb+srv://admin:{s}@c0.ab1cd.mongodb.net/x"),
        "env_database_password": (f"Db{core}", "starting with DATABASE_PASSWORD={s} PORT=8080"),
        "env_db_password": (f"dp{core}", "config: DB_PASSWORD={s} DB_HOST=10.20.0.5"),
        "env_pgpassword": (f"pg{core}", "exec env PGPASSWORD={s} psql -h 10.20.0.5"),
        "env_secret_key": (f"django-{core}", "settings loaded SECRET_KEY={s} DEBUG=False"),
        "yaml_mysql_root_password": (f"Ro{core}", "MYSQL_ROOT_PASSWORD: {s}"),
        "ini_aws_secret_access_key": (f"{core}{_rand(rng, 16)}", "aws_secret_access_key = {s}"),
        "url_bearer": (f"Br{core}", "GET /v1/callback?bearer={s}&state=ok"),
        "url_access_token": (f"At{core}", "GET /v1/quote?access_token={s}&amount=10"),
        "trello_key_token": (f"ATTA{hexcore}{hexcore[:24]}", "GET https://api.trello.com/1/cards/x?key=k1&token={s}"),
        "aws_access_key_id": ("AKIA" + _rand(rng, 16, string.ascii_uppercase + string.digits),
                              "boto: AWS key {s} denied"),
        "github_token": (f"ghp_{core}{_rand(rng, 12)}", "git clone https://github.com/o/r failed for token ghp {s}"),
        "stripe_key": (f"sk_live_{core}", "stripe.error.AuthenticationError: Invalid API Key provided: {s}"),
        "slack_token": (f"xoxb-{rng.randint(10**11, 10**12)}-{core.lower()}", "slack post failed with {s}"),
        "json_password": (f"Js{core}", '{{"user": "svc", "password": "{s}", "host": "db"}}'),
    }
    out: dict[str, tuple[str, str, str]] = {}
    for kind, (value, template) in kinds.items():
        piece = core if core in value else hexcore if hexcore in value else value[4:]
        out[kind] = (value, piece, template.format(s=value))
    return out


KIND_NAMES = tuple(_kinds(random.Random(0)))
URL_KINDS = ("url_bearer", "url_access_token", "trello_key_token", "google_api_key", "oauth_access_token", "jwt")
ENV_KINDS = {"env_database_password": "DATABASE_PASSWORD", "env_db_password": "DB_PASSWORD",
             "env_pgpassword": "PGPASSWORD", "env_secret_key": "SECRET_KEY", "stripe_key": "STRIPE_API_KEY",
             "google_api_key": "MAPS_API_KEY", "github_token": "GITHUB_TOKEN"}


class Planter:
    """Fresh secrets per (kind, channel), remembered for the leak check."""

    def __init__(self, seed: int = 16) -> None:
        self.rng = random.Random(seed)
        self.secrets: list[Secret] = []

    def plant(self, channel: str, kinds: tuple[str, ...] | None = None) -> list[Secret]:
        made = _kinds(self.rng)
        planted = [Secret(k, channel, *made[k]) for k in (kinds or tuple(made))]
        self.secrets.extend(planted)
        return planted


def _entry(base: dict, insert: str, when: str, **payload: object) -> dict:
    entry = copy.deepcopy(base)
    for key in ("textPayload", "jsonPayload", "protoPayload", "httpRequest"):
        entry.pop(key, None)
    entry.update(insertId=insert, timestamp=when, receiveTimestamp=when, **payload)
    return entry


def build_case(dest: Path, seed: int = 16) -> tuple[Path, list[Secret]]:
    """The seeded case directory at dest/case and every secret planted in it."""
    case = dest / "case"
    shutil.copytree(BASE_CASE, case)
    planter = Planter(seed)
    meta = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    meta.pop("expect", None)
    meta["trello_card"] = f"https://trello.com/c/{CARD_SHORT}"
    (case / "case.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")

    entries = [json.loads(line) for line in (case / "logging" / "entries.jsonl").read_text().splitlines() if line]
    by_log = {e["logName"].rsplit("%2F", 1)[-1]: e for e in entries}
    request, stderr, audit = by_log["requests"], by_log["stderr"], by_log["activity"]
    stdout = copy.deepcopy(stderr)
    stdout["logName"] = stderr["logName"].replace("stderr", "stdout")
    added: list[dict] = []
    minute = 20
    for n, s in enumerate(planter.plant("log_text")):
        added.append(_entry(stderr, f"sec-text-{n}", f"2026-02-18T05:{minute}:{n % 60:02d}Z", severity="ERROR",
                            textPayload=f"Traceback (most recent call last):\nRuntimeError: {s.text}"))
    for n, s in enumerate(planter.plant("log_json")):
        added.append(_entry(stdout, f"sec-json-{n}", f"2026-02-18T05:21:{n % 60:02d}Z", severity="ERROR",
                            jsonPayload={"message": f"request failed: {s.text}", "component": "pricing"}))
    for n, s in enumerate(planter.plant("request_url", URL_KINDS)):
        url = "https://pricing-uc3xk2ahba-an.a.run.app" + (s.text.split(" ", 1)[1] if s.text.startswith("GET ")
                                                          else f"/v1/quote?sig={s.value}")
        http = dict(request["httpRequest"], requestUrl=url, status=500)
        added.append(_entry(request, f"sec-url-{n}", f"2026-02-18T05:22:{n % 60:02d}Z", severity="ERROR",
                            httpRequest=http))
    for n, s in enumerate(planter.plant("audit")):
        proto = copy.deepcopy(audit.get("protoPayload") or {})
        proto["status"] = {"code": 3, "message": f"Revision failed: {s.text}"}
        added.append(_entry(audit, f"sec-audit-{n}", f"2026-02-18T05:23:{n % 60:02d}Z", severity="ERROR",
                            protoPayload=proto))
    env_in_audit = planter.plant("audit_request_env", tuple(ENV_KINDS))
    proto = copy.deepcopy(audit.get("protoPayload") or {})
    proto["request"] = {"service": {"template": {"containers": [{
        "env": [{"name": ENV_KINDS[s.kind], "value": s.value} for s in env_in_audit]}]}}}
    added.append(_entry(audit, "sec-audit-env", "2026-02-18T05:24:00Z", protoPayload=proto))
    originals = [e for e in entries if "textPayload" in e]  # the lines the report cites
    for e, s in zip(originals, planter.plant("log_text_cited", KIND_NAMES[: len(originals)]), strict=True):
        e["textPayload"] = f"{s.text} {e['textPayload']}"
    lines = [json.dumps(e) for e in entries + added]
    (case / "logging" / "entries.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    for path in sorted((case / "run").glob("*/*.json")):
        resource = json.loads(path.read_text(encoding="utf-8"))
        conditions = planter.plant(f"conditions:{path.stem}")
        failing = [c for c in resource.get("conditions") or [] if c.get("message")]
        cited = min(3, len(failing))
        for c, s in zip(failing[:cited], conditions[:cited], strict=True):  # the cited messages themselves
            c["message"] = f"{s.text}; {c['message']}"
        for i, s in enumerate(conditions[cited:]):
            resource.setdefault("conditions", []).append(
                {"type": f"Seeded{i}", "state": "CONDITION_FAILED", "severity": "ERROR",
                 "message": f"Container failed to start: {s.text}", "lastTransitionTime": "2026-02-18T05:14:22Z"})
        containers = (resource.get("template") or resource).get("containers") or []
        if containers:
            env = planter.plant(f"env:{path.stem}", tuple(ENV_KINDS))
            containers[0].setdefault("env", []).extend({"name": ENV_KINDS[s.kind], "value": s.value} for s in env)
            args = planter.plant(f"args:{path.stem}", ("env_db_password", "stripe_key", "postgres_dsn"))
            containers[0]["args"] = ["--db-password", args[0].value, f"--stripe-api-key={args[1].value}",
                                     f"--database-url=postgres://app:{args[2].value}@10.20.0.5/pricing"]
        path.write_text(json.dumps(resource, indent=2), encoding="utf-8")

    card = json.loads((CARD_CASE / "trello" / "cards" / f"{CARD_SHORT}.json").read_text(encoding="utf-8"))
    desc = planter.plant("card_description")
    card["desc"] = "pricing deploy fails.\n" + "\n".join(f"- {s.text}" for s in desc)
    comments = [a for a in card.get("actions") or [] if a.get("type") == "commentCard"]
    assert comments, "the card to copy has comments"
    for action, s in zip(comments * len(KIND_NAMES), planter.plant("card_comments"), strict=False):
        action = copy.deepcopy(action)
        action["id"] = f"{len(card['actions']):024x}"
        action["data"] = dict(action.get("data") or {}, text=f"seen again: {s.text}")
        card["actions"].append(action)
    (case / "trello" / "cards").mkdir(parents=True, exist_ok=True)
    (case / "trello" / "cards" / f"{CARD_SHORT}.json").write_text(json.dumps(card), encoding="utf-8")

    repo_lines = ["import threading", "", "def start():"]
    for s in planter.plant("repo_lines"):
        repo_lines.append(f"    threading.Thread(target=refresh, daemon=True).start()  # {s.text}")
    (case / "repo" / "worker.py").write_text("\n".join(repo_lines) + "\n", encoding="utf-8")
    return case, planter.secrets


def leaked(secrets: list[Secret], text: str) -> list[Secret]:
    """The secrets whose value, or the first 10 characters of their random core, appear in text.

    Backslashes are dropped first, so a Markdown-escaped secret (`a\\_b`) still counts as leaked.
    """
    flat = text.replace("\\", "")
    return [s for s in secrets if s.value in flat or s.core[:10] in flat]


# -- the clean corpus -----------------------------------------------------------------------------------------


def clean_lines(count: int = 400, seed: int = 7) -> list[str]:
    """Ordinary log, config and code lines with ids, hashes, URLs and names that must come out unchanged."""
    rng = random.Random(seed)
    hexs = lambda n: _rand(rng, n, "0123456789abcdef")  # noqa: E731
    templates = [
        lambda: f"instance {hexs(64)} started",
        lambda: f"projects/p-{hexs(6)}/traces/{hexs(32)} span {hexs(16)}",
        lambda: f"GET https://svc-{hexs(10)}-an.a.run.app/v1/items/{rng.randint(1, 99999)}?page=2&limit=50 200",
        lambda: f"image asia-docker.pkg.dev/p/repo/app@sha256:{hexs(64)}",
        lambda: f"Revision pricing-{rng.randint(1, 99999):05d}-{_rand(rng, 3, string.ascii_lowercase)} is ready",
        lambda: f"insertId {hexs(24)} receiveTimestamp 2026-02-18T05:{rng.randint(0, 59):02d}:00Z",
        lambda: f"Memory limit of {rng.choice([256, 512, 1024])} MiB exceeded with {rng.randint(513, 900)} MiB used.",
        lambda: f"job_id={hexs(8)}-{hexs(4)}-{hexs(4)}-{hexs(4)}-{hexs(12)} state=QUEUED attempt={rng.randint(1, 5)}",
        lambda: f"  File \"/app/src/worker_{rng.randint(1, 9)}.py\", line {rng.randint(1, 400)}, in run",
        lambda: f"commit {hexs(40)} Merge pull request #{rng.randint(1, 999)} from org/fix-{hexs(6)}",
        lambda: f"The request was aborted because there was no available instance. trace={hexs(32)}",
        lambda: f"upload gs://bucket-{hexs(6)}/exports/{hexs(12)}.csv ({rng.randint(1, 9999)} bytes)",
        lambda: "Default STARTUP TCP probe failed 1 time consecutively for container \"app\" on port "
                f"{rng.choice([8080, 3000])}.",
        lambda: f"cache key=user:{rng.randint(1, 9999)} hit ratio {rng.random():.2f}",
        lambda: f"token bucket refilled: {rng.randint(1, 100)} tokens available",
        lambda: f"max_tokens={rng.randint(100, 4096)} input_tokens: {rng.randint(10, 900)}",
        lambda: "Ready condition status changed to False for Revision x with message: spec.template.spec.containers[0]"
                ".env[1].value_from.secret_key_ref.name: Permission denied on secret: projects/1/secrets/s/versions/1",
        lambda: f"secret_key_ref: {{name: slack-webhook-url, key: latest}} version {rng.randint(1, 9)}",
        lambda: "    password = os.environ[\"DB_PASSWORD\"]",
        lambda: "const token = process.env.API_TOKEN;",
        lambda: "async def verify(email: str, password: str) -> dict | None:",
        lambda: f"permission denied for {rng.randint(10**11, 10**12)}-compute@developer.gserviceaccount.com",
        lambda: "Basic authentication is not configured for this route",
        lambda: "invalid token: expired",
        lambda: f"--set-secrets WEBHOOK_SIGNING_KEY=payhook-signing-key:latest --memory {rng.choice([512, 1024])}Mi",
        lambda: f"POST /v1/sessions 401 {rng.randint(1, 900)}ms ua=okhttp/4.12.0 ip=10.{rng.randint(0, 255)}.0.7",
        lambda: f"uuid {hexs(8)}-{hexs(4)}-4{hexs(3)}-a{hexs(3)}-{hexs(12)} processed in {rng.randint(1, 999)}ms",
        lambda: f"md5 {hexs(32)} sha1 {hexs(40)}",
        lambda: "Container called exit(1).",
        lambda: f"  at Object.<anonymous> (/app/dist/server.js:{rng.randint(1, 999)}:{rng.randint(1, 80)})",
    ]
    return [rng.choice(templates)() for _ in range(count)]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def eval_corpora() -> dict[str, list[str]]:
    """Distinct strings of the bundled eval cases, per input channel (none holds a secret)."""
    cases = ROOT / "evals" / "cases"
    logs: set[str] = set()
    for path in sorted(cases.glob("*/logging/entries.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line) if line.strip() else {}
            payload = entry.get("textPayload") or (entry.get("jsonPayload") or {}).get("message")
            url = (entry.get("httpRequest") or {}).get("requestUrl")
            logs.update(t for t in (payload, url) if isinstance(t, str))
    resources = {t for path in sorted(cases.glob("*/run/*/*.json")) for t in _strings(json.loads(path.read_text()))}
    cards = {t for path in sorted(cases.glob("*/trello/cards/*.json")) for t in _strings(json.loads(path.read_text()))}
    code: set[str] = set()
    for path in sorted(cases.glob("*/repo/**/*")):
        if path.is_file():
            try:
                code.update(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
            except (UnicodeDecodeError, OSError):
                continue
    return {"eval cases: log texts and request URLs": sorted(logs),
            "eval cases: Cloud Run resource strings": sorted(resources),
            "eval cases: Trello card strings": sorted(cards),
            "eval cases: repository lines": sorted(code)}
