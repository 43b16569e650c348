# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""media-library: the entrypoint mounts Filestore over NFS, which the first-generation sandbox does not allow.

Story: the team moved the media library from a GCE VM to Cloud Run two days
ago. The entrypoint script runs `mount -t nfs` to reach the Filestore share
and then starts gunicorn whether or not the mount worked. The service was
created with the first-generation execution environment (the team copied an
old service.yaml), where the mount fails with "Operation not permitted". The
app boots, but every request for a media file fails with FileNotFoundError
because /mnt/media is an empty directory. Sandbox "Unsupported syscall" noise
is also present.
"""

from __future__ import annotations

import casegen as g

ENTRYPOINT = '''\
#!/bin/sh
# Mount the Filestore share, then start the app.
mkdir -p /mnt/media
mount -t nfs -o nolock "${FILESTORE_IP}:/${FILE_SHARE_NAME}" /mnt/media
echo "Mounted media share at /mnt/media"
exec gunicorn --bind ":${PORT}" --workers 2 --threads 4 --timeout 0 media.app:app
'''

APP_PY = '''\
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
'''

INDEX_PY = '''\
from google.cloud import firestore

_db = firestore.Client()


def album(album_id: str) -> dict | None:
    doc = _db.collection("albums").document(album_id).get()
    return doc.to_dict() if doc.exists else None
'''

SERVICE_YAML = '''\
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: media-library
spec:
  template:
    metadata:
      annotations:
        run.googleapis.com/execution-environment: gen1
        run.googleapis.com/vpc-access-connector: projects/fjord-media/locations/europe-west1/connectors/filestore
        autoscaling.knative.dev/maxScale: "10"
    spec:
      containerConcurrency: 16
      serviceAccountName: media-library@fjord-media.iam.gserviceaccount.com
      containers:
        - image: europe-west1-docker.pkg.dev/fjord-media/apps/media-library:2026.06.1
          env:
            - name: FILESTORE_IP
              value: 10.90.0.2
            - name: FILE_SHARE_NAME
              value: media
          resources:
            limits:
              cpu: "1"
              memory: 1Gi
'''

DOCKERFILE = '''\
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends nfs-common && rm -rf /var/lib/apt/lists/*
WORKDIR /srv
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY media ./media
COPY run.sh /run.sh
RUN chmod +x /run.sh
ENTRYPOINT ["/run.sh"]
'''

TRACE = """\
Traceback (most recent call last):
  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 917, in full_dispatch_request
    rv = self.dispatch_request()
  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 902, in dispatch_request
    return self.ensure_sync(self.view_functions[rule.endpoint])(**view_args)  # type: ignore[no-any-return]
  File "/srv/media/app.py", line 23, in media
    return send_file(os.path.join(MEDIA_ROOT, name))
  File "/usr/local/lib/python3.12/site-packages/flask/helpers.py", line 511, in send_file
    return werkzeug.utils.send_file(  # type: ignore[return-value]
  File "/usr/local/lib/python3.12/site-packages/werkzeug/utils.py", line 428, in send_file
    stat = os.stat(path)
FileNotFoundError: [Errno 2] No such file or directory: '/mnt/media/{name}'"""


def build() -> g.Case:
    c = g.Case("media-gen1-nfs", "media-library: every photo and video returns 500 after the move to Cloud Run",
               project="fjord-media", region="europe-west1", target_type="service", target_name="media-library",
               start="2026-06-12T08:00:00Z", end="2026-06-12T09:00:00Z", lang="en")
    c.add_files({"run.sh": ENTRYPOINT, "media/__init__.py": "", "media/app.py": APP_PY, "media/index.py": INDEX_PY,
                 "service.yaml": SERVICE_YAML, "Dockerfile": DOCKERFILE,
                 "requirements.txt": "flask==3.1.0\ngunicorn==23.0.0\ngoogle-cloud-firestore==2.19.0\n"})
    rev = "media-library-00003-rok"
    env = {"FILESTORE_IP": "10.90.0.2", "FILE_SHARE_NAME": "media"}
    tmpl = g.template([g.container("media-library-1", "europe-west1-docker.pkg.dev/fjord-media/apps/media-library:2026.06.1",
                                   memory="1Gi", env=env)],
                      service_account="media-library@fjord-media.iam.gserviceaccount.com", max_instances=10, concurrency=16,
                      execution_environment="EXECUTION_ENVIRONMENT_GEN1",
                      vpc_access={"connector": "projects/fjord-media/locations/europe-west1/connectors/filestore"})
    c.add_service("media-library", [{"name": rev, "tmpl": tmpl, "created": "2026-06-10T14:02:00Z"}], traffic=[(rev, 100)],
                  creator="ola.nordmann@fjord-media.example", created="2026-06-10T13:40:00Z")
    res = c.res("media-library", rev)
    host = c.host("media-library")
    insts = []
    mount_errs = []
    for k in range(3):
        inst = c.logs.instance_id()
        insts.append(inst)
        t0 = g.at(c.start, minutes=-20 + k * 25) if k else g.at(c.start, minutes=2)
        c.logs.instance_start(t0, res, inst, "media-library-1", ready_after_s=3.1)
        mount_errs.append(c.logs.app(g.at(t0, seconds=0.6), res, inst, "mount.nfs: Operation not permitted", stream="stderr"))
        c.logs.app(g.at(t0, seconds=0.7), res, inst, "Mounted media share at /mnt/media")
        c.logs.app(g.at(t0, seconds=1.9), res, inst, f"[{t0.strftime('%Y-%m-%d %H:%M:%S')} +0000] [1] [INFO] Listening at: http://0.0.0.0:8080 (1)", stream="stderr")
        for _ in range(4):
            c.logs.system(g.at(t0, seconds=2 + c.rng.random() * 60), res, inst,
                          f"Container Sandbox: Unsupported syscall setsockopt(0x{c.rng.randint(3, 12):x},0x1,0xd,0x3e99a8c7ef1c,0x8,0x0). It is very likely that you can safely ignore this message and that this is not the cause of any error you might be troubleshooting. Please, refer to https://gvisor.dev/c/linux/amd64/setsockopt for more information.",
                          "DEBUG")
    insts = insts[:2]
    routes = [g.Route("GET", "/api/albums/al_{id}", 3, 35, {200: 0.97, 404: 0.03})]
    c.logs.traffic(res, c.start, c.end, 300, routes, insts, host, agents=["fjord-web/3.0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"])
    fails, traces = [], []
    for _ in range(120):
        ts = g.at(c.start, seconds=c.rng.random() * 3590)
        inst = c.rng.choice(insts)
        name = f"albums/al_{c.rng.randint(1000, 99999)}/{c.logs.hex(12)}.jpg"
        trace = c.logs.trace()
        traces.append(c.logs.app(ts, res, inst, f"ERROR:media.app:Exception on /media/{name} [GET]\n" + TRACE.format(name=name),
                                 stream="stderr", severity="ERROR", trace=trace))
        fails.append(c.logs.request(ts, res, inst, "GET", f"https://{host}/media/{name}", 500, c.rng.uniform(0.005, 0.03), trace=trace))
    c.expect = {
        "root_causes": ["execution-environment-mismatch"],
        "not_above": ["missing-config-or-secret"],
        "must_cite": [
            [f"run.googleapis.com/stderr#{i}" for i in mount_errs],
            [f"{c.svc_name('media-library')}#template.executionEnvironment",
             c.cite("service.yaml", "run.googleapis.com/execution-environment: gen1")],
            [c.cite("run.sh", "mount -t nfs -o nolock")],
        ],
        "data_gaps": ["cloud_monitoring"],
    }
    return c
