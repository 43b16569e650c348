import logging
import pathlib
import time

from google.cloud import storage
from sentence_transformers import SentenceTransformer

log = logging.getLogger("embedder.model")
CACHE = pathlib.Path("/tmp/model")


def load_model(uri: str) -> SentenceTransformer:
    started = time.monotonic()
    bucket_name, _, prefix = uri.removeprefix("gs://").partition("/")
    client = storage.Client()
    for blob in client.list_blobs(bucket_name, prefix=prefix):
        target = CACHE / blob.name.removeprefix(prefix).lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        blob.download_to_filename(target)
    log.info("model files downloaded in %.1fs", time.monotonic() - started)
    model = SentenceTransformer(str(CACHE), device="cpu")
    log.info("model loaded in %.1fs", time.monotonic() - started)
    return model
