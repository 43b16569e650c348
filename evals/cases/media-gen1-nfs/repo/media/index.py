from google.cloud import firestore

_db = firestore.Client()


def album(album_id: str) -> dict | None:
    doc = _db.collection("albums").document(album_id).get()
    return doc.to_dict() if doc.exists else None
