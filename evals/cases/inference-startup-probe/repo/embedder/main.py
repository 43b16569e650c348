import logging
import os

from fastapi import FastAPI
from pydantic import BaseModel

from embedder.model import load_model

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
log = logging.getLogger("embedder")

MODEL_URI = os.environ.get("MODEL_URI", "gs://shelf-models/e5-large-v2")
model = load_model(MODEL_URI)  # runs before uvicorn binds the port
app = FastAPI()


class Batch(BaseModel):
    texts: list[str]


@app.post("/v1/embed")
def embed(batch: Batch) -> dict:
    vectors = model.encode(batch.texts, batch_size=16, normalize_embeddings=True)
    return {"vectors": [v.tolist() for v in vectors]}
