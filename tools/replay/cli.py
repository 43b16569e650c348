"""`crobs replay CASE_DIR [--port N]`: serve a case until interrupted."""

from __future__ import annotations

import argparse
import sys

from tools.case import load_case
from tools.errors import ToolError


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="crobs replay", description=__doc__)
    parser.add_argument("case_dir")
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    load_case(args.case_dir)
    from tools.replay.server import ReplayServer

    try:
        server = ReplayServer(args.case_dir, host=args.host, port=args.port)
    except OSError as exc:
        raise ToolError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from exc
    print(f"replaying {args.case_dir} at {server.url}", file=sys.stderr)
    print(f"  export CROBS_GCP_ENDPOINT={server.url} TRELLO_BASE_URL={server.url}", file=sys.stderr)
    # google-cloud-logging's list_entries probes the GCE metadata server once per
    # log name; off GCP each probe waits on DNS. Routing it here answers at once.
    print(f"  for your own google-cloud-logging scripts also: export HTTP_PROXY={server.url} "
          "NO_PROXY=127.0.0.1,localhost", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0
