import csv
import logging

from google.cloud import firestore

log = logging.getLogger("helpdesk.imports")
_db = firestore.Client()


def mark(job_id: str, status: str, done: int) -> None:
    _db.collection("imports").document(job_id).set({"status": status, "done": done}, merge=True)


def status(job_id: str) -> dict:
    return _db.collection("imports").document(job_id).get().to_dict() or {"status": "unknown"}


def ticket(ticket_id: int) -> dict:
    return _db.collection("tickets").document(str(ticket_id)).get().to_dict() or {}


def run_import(job_id: str, path: str) -> None:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for i, row in enumerate(rows, 1):
        _db.collection("tickets").document(row["id"]).set(row)
        if i % 500 == 0:
            mark(job_id, "running", i)
            log.info("import %s: %d/%d rows", job_id, i, len(rows))
    mark(job_id, "done", len(rows))
    log.info("import %s finished", job_id)
