import io

import pyarrow as pa
import pyarrow.parquet as pq
from google.cloud import storage

_bucket = storage.Client().bucket("hoshi-exports")


def write_parquet(path: str, rows: list[dict]) -> None:
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), buffer)
    _bucket.blob(path).upload_from_string(buffer.getvalue(), content_type="application/octet-stream")
