import pathlib

from fastapi import UploadFile

UPLOADS = pathlib.Path("/tmp/uploads")


async def save_upload(job_id: str, file: UploadFile) -> str:
    UPLOADS.mkdir(exist_ok=True)
    target = UPLOADS / f"{job_id}.csv"
    target.write_bytes(await file.read())
    return str(target)
