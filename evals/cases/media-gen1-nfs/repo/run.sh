#!/bin/sh
# Mount the Filestore share, then start the app.
mkdir -p /mnt/media
mount -t nfs -o nolock "${FILESTORE_IP}:/${FILE_SHARE_NAME}" /mnt/media
echo "Mounted media share at /mnt/media"
exec gunicorn --bind ":${PORT}" --workers 2 --threads 4 --timeout 0 media.app:app
