import logging
import threading
import uuid

from fastapi import FastAPI, UploadFile

from helpdesk import imports, storage

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
log = logging.getLogger("helpdesk")
app = FastAPI(title="helpdesk-api")


@app.post("/v1/imports", status_code=202)
async def start_import(file: UploadFile) -> dict:
    job_id = uuid.uuid4().hex[:12]
    path = await storage.save_upload(job_id, file)
    imports.mark(job_id, "running", 0)
    worker = threading.Thread(target=imports.run_import, args=(job_id, path), daemon=True)
    worker.start()
    return {"job_id": job_id, "status": "running"}


@app.get("/v1/imports/{job_id}")
def import_status(job_id: str) -> dict:
    return imports.status(job_id)


@app.get("/v1/tickets/{ticket_id}")
def ticket(ticket_id: int) -> dict:
    return imports.ticket(ticket_id)
