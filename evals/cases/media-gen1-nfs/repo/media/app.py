import logging
import os

from flask import Flask, abort, send_file

from media import index

app = Flask(__name__)
logging.basicConfig(level=logging.INFO)
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", "/mnt/media")


@app.get("/api/albums/<album_id>")
def album(album_id: str):
    entry = index.album(album_id)
    if entry is None:
        abort(404)
    return entry


@app.get("/media/<path:name>")
def media(name: str):
    return send_file(os.path.join(MEDIA_ROOT, name))
