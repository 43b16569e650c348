import datetime
import os

from google.cloud import storage

_client = storage.Client()


def signed_pdf_url(invoice_id: str) -> str:
    bucket = _client.bucket(os.environ["INVOICE_BUCKET"])
    blob = bucket.blob(f"invoices/{invoice_id}.pdf")
    return blob.generate_signed_url(expiration=datetime.timedelta(minutes=10), version="v4")
