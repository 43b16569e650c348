"""`crobs mcp [--read-only]`: serve the manifest's tools to an MCP client over stdio until it hangs up.

stdout is the protocol channel. The SDK's stdio transport points fd 1 at stderr while it serves;
on top of that `sys.stdout` is stderr for the session, so a tool's print, a progress line or a
library's warning can never corrupt a JSON-RPC frame, even where the SDK falls back to serving
the stream in place.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

import anyio


async def serve(read_only: bool) -> None:
    from mcp.server.stdio import stdio_server

    from tools.mcp.server import build_server

    server = build_server(read_only)
    async with stdio_server() as (read_stream, write_stream):
        with contextlib.redirect_stdout(sys.stderr):
            await server.run(read_stream, write_stream, server.create_initialization_options())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="crobs mcp",
        description="Serve every tool of skill.yaml over MCP (stdio): manifest descriptions and schemas, "
        "readOnlyHint from read_only, errors in-band. Configure an MCP client to run `crobs mcp`.",
    )
    parser.add_argument("--read-only", action="store_true",
                        help="serve only the read-only tools (leave out attach_report, investigate, ...)")
    args = parser.parse_args(argv)
    sys.stdout.flush()  # nothing buffered before the transport claims fd 1 may land in the protocol stream later
    print(f"crobs mcp: serving {'read-only ' if args.read_only else ''}tools on stdio", file=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):
        anyio.run(serve, args.read_only)
    return 0


def console() -> int:
    """The `crobs-mcp` console script: `crobs mcp` for clients that start a server without arguments (Codex)."""
    from tools.cli import main as crobs

    return crobs(["mcp", *sys.argv[1:]])
