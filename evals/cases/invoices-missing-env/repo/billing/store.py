from google.cloud import firestore

_db = firestore.Client()


def balance(account_id: str) -> dict:
    doc = _db.collection("accounts").document(account_id).get()
    return {"account_id": account_id, "balance": (doc.to_dict() or {}).get("balance", 0)}


def invoice(invoice_id: str) -> dict | None:
    doc = _db.collection("invoices").document(invoice_id).get()
    return doc.to_dict() if doc.exists else None
