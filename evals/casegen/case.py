"""One incident case being built, and the writer that lays it out on disk.

Everything a story produces (logs, Cloud Run bodies, repo files, series,
Trello card, expectations) lands on a `Case`; `write` turns it into the
directory format of shared/spec/case-format.md. Output is deterministic:
sorted keys, entries ordered by time, no wall clock.
"""

from __future__ import annotations

import json
import random
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from .logs import Logs, Res, job_res, svc_res
from .resources import revision, service
from .timefmt import fmt, parse

URL_HASH = "uc3xk2ahba"
REGION_CODE = {"asia-northeast1": "an", "us-central1": "uc", "europe-west1": "ew", "us-east1": "ue"}
GENERATED = ("case.yaml", "logging", "run", "monitoring", "trello", "repo")


class Case:
    def __init__(self, case_id: str, title: str, *, project: str | None, region: str | None, target_type: str,
                 target_name: str, start: str, end: str, lang: str, trello_card: str | None = None):
        self.id = case_id
        self.title = title
        self.project = project or "unknown-project"
        self.region = region or "us-central1"
        self.meta_project, self.meta_region = project, region
        self.target_type = target_type
        self.target_name = target_name
        self.start, self.end = parse(start), parse(end)
        self.lang = lang
        self.trello_card = trello_card
        self.rng = random.Random(f"crobs-eval:{case_id}")
        self.logs = Logs(self.project, self.rng)
        self.run: dict[str, dict[str, Any]] = {}  # "services/name" -> body
        self.repo: dict[str, str] = {}
        self.timeseries: list[dict[str, Any]] = []
        self.cards: dict[str, dict[str, Any]] = {}
        self.expect: dict[str, Any] = {}
        self.story = ""  # one paragraph for the README / reviewers, not read by the scorer

    # -- conveniences -------------------------------------------------------
    def res(self, service: str, revision: str = "") -> Res:
        return svc_res(self.project, self.region, service, revision)

    def job_res(self, job: str, execution: str = "", task: int | None = None, attempt: int | None = None) -> Res:
        return job_res(self.project, self.region, job, execution, task, attempt)

    def svc_name(self, service: str) -> str:
        return f"projects/{self.project}/locations/{self.region}/services/{service}"

    def job_name(self, job: str) -> str:
        return f"projects/{self.project}/locations/{self.region}/jobs/{job}"

    def host(self, svc: str) -> str:
        return f"{svc}-{URL_HASH}-{REGION_CODE.get(self.region, 'uc')}.a.run.app"

    def add_service(self, name: str, revisions: list[dict[str, Any]], *, traffic: list[tuple[str, int]],
                    creator: str, created: str, client: str = "gcloud", ready: bool = True,
                    ready_message: str = "", tags: dict[str, str] | None = None,
                    last_modifier: str | None = None) -> None:
        """Service plus its revisions. Each revision: {name, tmpl, created, ready?, message?, reason?, active?};
        the service's template is the newest revision's, as after `gcloud run deploy`."""
        newest = revisions[-1]
        ready_revs = [r for r in revisions if r.get("ready", True)]
        generation = int(newest["name"].split("-")[-2])
        self.run[f"services/{name}"] = service(
            self.project, self.region, name, newest["tmpl"], traffic=traffic, latest_ready=ready_revs[-1]["name"],
            latest_created=newest["name"], create_time=created, update_time=newest["created"], creator=creator,
            last_modifier=last_modifier, generation=generation, ready=ready, ready_message=ready_message,
            client=client, url_hash=URL_HASH, region_code=REGION_CODE.get(self.region, "uc"), tags=tags)
        for rev in revisions:
            self.run[f"revisions/{rev['name']}"] = revision(
                self.project, self.region, name, rev["name"], rev["tmpl"], create_time=rev["created"],
                creator=last_modifier or creator, generation=int(rev["name"].split("-")[-2]),
                ready=rev.get("ready", True), active=rev.get("active", True), message=rev.get("message", ""),
                reason=rev.get("reason"))

    def cite(self, path: str, needle: str) -> str:
        """`path:line` of the one line in the repo containing `needle` (fails loudly if 0 or >1)."""
        lines = self.repo[path].splitlines()
        hits = [i + 1 for i, line in enumerate(lines) if needle in line]
        if len(hits) != 1:
            raise ValueError(f"{self.id}: {needle!r} occurs {len(hits)} times in {path}")
        return f"{path}:{hits[0]}"

    def add_files(self, files: dict[str, str]) -> None:
        for path, text in files.items():
            self.repo[path] = text if text.endswith("\n") else text + "\n"

    # -- output -------------------------------------------------------------
    def case_yaml(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id, "title": self.title,
            "target": {"project_id": self.meta_project, "region": self.meta_region,
                       "target_type": self.target_type, "target_name": self.target_name},
            "window": {"start": fmt(self.start).replace(".000000Z", "Z"),
                       "end": fmt(self.end).replace(".000000Z", "Z")},
        }
        if self.trello_card:
            body["trello_card"] = self.trello_card
        if self.repo:
            body["repo"] = "repo"
        body["lang"] = self.lang
        body["expect"] = {k: v for k, v in self.expect.items() if v}
        return body

    def write(self, out_root: Path, *, max_entries_for_lines: int | None = None) -> Path:
        """Write the case directory, replacing only what the generator owns inside it."""
        out = out_root / self.id
        out.mkdir(parents=True, exist_ok=True)
        for name in GENERATED:
            target = out / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
        header = "# Generated by evals/generate_cases.py; edit the story in evals/stories/, not this file.\n"
        (out / "case.yaml").write_text(header + yaml.safe_dump(self.case_yaml(), sort_keys=False,
                                                               allow_unicode=True, width=110), encoding="utf-8")
        if self.logs.entries:
            (out / "logging").mkdir()
            ordered = sorted(self.logs.entries, key=lambda e: (e["timestamp"], e["insertId"]))
            with (out / "logging" / "entries.jsonl").open("w", encoding="utf-8") as handle:
                for entry in ordered:
                    handle.write(json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
                    handle.write("\n")
        for rel, body in sorted(self.run.items()):
            path = out / "run" / f"{rel}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(body, sort_keys=True, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        if self.timeseries:
            (out / "monitoring").mkdir()
            with (out / "monitoring" / "timeseries.jsonl").open("w", encoding="utf-8") as handle:
                for series in self.timeseries:
                    handle.write(json.dumps(series, sort_keys=True, separators=(",", ":")) + "\n")
        for short, card in sorted(self.cards.items()):
            path = out / "trello" / "cards" / f"{short}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(card, sort_keys=True, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        for rel, text in sorted(self.repo.items()):
            path = out / "repo" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return out


def trello_card(short: str, *, name: str, desc: str, board: str, created: datetime,
                comments: list[tuple[datetime, str, str]], rng: random.Random) -> dict[str, Any]:
    """A card as GET /1/cards/{id}?actions=commentCard returns it; comments are (when, member, text)."""
    def oid(moment: datetime) -> str:
        return f"{int(moment.timestamp()):08x}" + "".join(rng.choice("0123456789abcdef") for _ in range(16))

    card_id = oid(created)
    board_id = oid(created)
    actions = []
    for when, member, text in sorted(comments, key=lambda c: c[0], reverse=True):
        member_id = member.encode().hex()[:24].ljust(24, "0")
        actions.append({"id": oid(when), "idMemberCreator": member_id,
                        "type": "commentCard", "date": fmt(when)[:-4] + "Z",
                        "data": {"text": text, "card": {"id": card_id, "name": name, "shortLink": short},
                                 "board": {"id": board_id, "name": board}},
                        "memberCreator": {"id": member_id, "username": member,
                                          "fullName": member.replace(".", " ").title()}})
    return {"id": card_id, "shortLink": short, "name": name, "desc": desc, "closed": False,
            "url": f"https://trello.com/c/{short}/{card_id[-3:]}-{name.lower().replace(' ', '-')[:40]}",
            "shortUrl": f"https://trello.com/c/{short}", "idBoard": board_id,
            "dateLastActivity": fmt(max([created] + [c[0] for c in comments]))[:-4] + "Z",
            "labels": [], "attachments": [], "actions": actions}


def series(metric: str, metric_labels: dict[str, str], resource: Res, kind: str, value_type: str,
           points: list[tuple[datetime, datetime, Any]]) -> dict[str, Any]:
    """A TimeSeries as timeSeries.list returns it; points newest first, like the API."""
    key = {"INT64": "int64Value", "DOUBLE": "doubleValue", "DISTRIBUTION": "distributionValue"}[value_type]
    out_points = []
    for begin, end, value in sorted(points, key=lambda p: p[1], reverse=True):
        if value_type == "INT64":
            value = str(int(value))
        out_points.append({"interval": {"startTime": fmt(begin), "endTime": fmt(end)}, "value": {key: value}})
    labels = {k: v for k, v in resource.labels.items() if k in ("project_id", "service_name", "revision_name",
                                                                 "location", "configuration_name", "job_name")}
    return {"metric": {"type": metric, "labels": metric_labels},
            "resource": {"type": resource.type, "labels": labels},
            "metricKind": kind, "valueType": value_type, "points": out_points}


def distribution(values: list[float], bounds: list[float]) -> dict[str, Any]:
    """A distributionValue with explicit buckets, as Cloud Monitoring reports latencies."""
    counts = [0] * (len(bounds) + 1)
    for value in values:
        index = next((i for i, b in enumerate(bounds) if value < b), len(bounds))
        counts[index] += 1
    n = len(values)
    mean = sum(values) / n if n else 0.0
    return {"count": str(n), "mean": round(mean, 3),
            "sumOfSquaredDeviation": round(sum((v - mean) ** 2 for v in values), 3),
            "bucketOptions": {"explicitBuckets": {"bounds": bounds}},
            "bucketCounts": [str(c) for c in counts]}
