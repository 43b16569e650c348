"""`crobs replay CASE_DIR [--port N]`: serve a case until interrupted."""

from __future__ import annotations

import argparse
import sys

from tools.case import load_case
from tools.errors import OneLineArgumentParser, ToolError


def _port(text: str) -> int:
    """A TCP port (0 picks a free one); anything else is argparse's one-line usage error, not OverflowError."""
    try:
        port = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from exc
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0-65535)")
    return port


def main(argv: list[str]) -> int:
    parser = OneLineArgumentParser(prog="crobs replay", description=__doc__)
    parser.add_argument("case_dir")
    parser.add_argument("--port", type=_port, default=8123)
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
