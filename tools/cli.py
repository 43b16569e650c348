"""`crobs`: the command line, generated from skill.yaml.

Every tool in the manifest becomes a subcommand whose flags come from its
input schema; CLI-only commands (replay server, eval runner) get their argv
as is. Tool modules are imported only when their command runs, so `crobs
--help` and the fast paths stay quick.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, NoReturn

import yaml

from tools.errors import OneLineArgumentParser, ToolError
from tools.registry import Command, Tool, load_commands, load_tools
from tools.safety.mask import mask_text, mask_value

_TYPES = {"string": str, "integer": int, "number": float}


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _json_value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(f"not valid JSON: {exc.msg}") from exc


def _comma_items(item_type: Any) -> Any:
    """`--log-kinds system,stdout` as well as `--log-kinds system stdout`: each word may hold a comma list."""
    def convert(text: str) -> list[Any]:
        return [item_type(part) for part in str(text).split(",") if part.strip()]
    return convert


class _CommaExtend(argparse.Action):
    """Extends the list with every comma-separated item, checking choices per item (argparse checks the word)."""

    def __init__(self, *args: Any, choices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed = list(choices) if choices else None
        if self.allowed:
            self.metavar = self.metavar or "{" + ",".join(map(str, self.allowed)) + "}"

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        items = [item for group in values for item in group]
        for item in items:
            if self.allowed is not None and item not in self.allowed:
                parser.error(f"argument {option_string}: invalid choice: {item!r} "
                             f"(choose from {', '.join(map(str, self.allowed))})")
        setattr(namespace, self.dest, [*(getattr(namespace, self.dest, None) or []), *items])


def _add_schema_arguments(parser: argparse.ArgumentParser, tool: Tool) -> None:
    schema = tool.input_schema
    required = set(schema.get("required", []))
    positional = tool.cli.get("positional", [])
    for name, prop in schema.get("properties", {}).items():
        kind = prop.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "string")
        help_text = prop.get("description", "")
        kwargs: dict[str, Any] = {"help": help_text}
        if "enum" in prop:
            kwargs["choices"] = [v for v in prop["enum"] if v is not None]
        if kind == "boolean":
            kwargs["action"] = argparse.BooleanOptionalAction
        elif kind == "array":
            item_type = _TYPES.get(prop.get("items", {}).get("type", "string"), str)
            kwargs.update(action=_CommaExtend, nargs="+", type=_comma_items(item_type))
            if "enum" in prop.get("items", {}):
                kwargs["choices"] = prop["items"]["enum"]
        elif kind == "object":
            kwargs["type"] = _json_value
            kwargs["metavar"] = "JSON"
        else:
            kwargs["type"] = _TYPES.get(kind, str)
        if name in positional:
            if kind == "array":
                kwargs.pop("action")
                kwargs["type"] = item_type
                kwargs["nargs"] = "+" if name in required else "*"
            elif name not in required:
                kwargs["nargs"] = "?"
            parser.add_argument(name, **kwargs)
        else:
            parser.add_argument(_flag(name), dest=name, required=name in required, **kwargs)
    parser.add_argument("--json", dest="_json", action="store_true", help="print machine-readable JSON")
    parser.add_argument("--budget", dest="_budget", type=int, metavar="TOKENS",
                        help="cut the result to about this many tokens, as a model receives it (JSON: summary, "
                             "most relevant rows, the exact call for the rest)")


class _MaskingParser(OneLineArgumentParser):
    """argparse quotes the offending value in its usage errors: a mistyped card URL may carry a token."""

    def error(self, message: str) -> NoReturn:
        super().error(mask_text(message))


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Tool | Command]]:
    parser = _MaskingParser(
        prog="crobs", description="Investigate Google Cloud Run incidents (cloud-run-observability)."
    )
    subparsers = parser.add_subparsers(dest="_command", metavar="COMMAND")
    groups: dict[str, argparse._SubParsersAction] = {}
    handlers: dict[str, Tool | Command] = {}
    for tool in load_tools():
        words = tool.command.split()
        target = subparsers
        for depth, word in enumerate(words[:-1]):
            key = " ".join(words[: depth + 1])
            if key not in groups:
                group = target.add_parser(word, help=f"{word} commands")
                groups[key] = group.add_subparsers(dest=f"_sub{depth}", metavar="COMMAND")
            target = groups[key]
        sub = target.add_parser(words[-1], help=tool.description.split(". ")[0], description=tool.description)
        _add_schema_arguments(sub, tool)
        sub.set_defaults(_handler=tool.command)
        handlers[tool.command] = tool
    for command in load_commands():
        sub = subparsers.add_parser(command.name, help=command.description, add_help=False)
        sub.set_defaults(_handler=command.name)
        handlers[command.name] = command
    return parser, handlers


def _print_result(tool: Tool, result: Any, as_json: bool) -> None:
    result = mask_value(result)  # the one masking step: nothing reaches stdout unmasked (issue 16)
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
        return
    formatter = tool.cli.get("formatter")
    if formatter:
        from tools.registry import resolve_entry

        text = resolve_entry(formatter)(result)
    elif tool.cli.get("text_field") and isinstance(result, dict):
        text = result.get(tool.cli["text_field"], "")
    else:
        text = yaml.safe_dump(result, allow_unicode=True, sort_keys=False, default_flow_style=False)
    text = mask_text(text)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def run(argv: list[str]) -> int:
    parser, handlers = build_parser()
    # CLI-only commands parse their own arguments.
    if argv and argv[0] in handlers and isinstance(handlers[argv[0]], Command):
        return int(handlers[argv[0]].resolve()(argv[1:]) or 0)
    args = parser.parse_args(argv)
    handler_name = getattr(args, "_handler", None)
    if handler_name is None:
        parser.print_help(sys.stderr)
        return 2
    tool = handlers[handler_name]
    assert isinstance(tool, Tool)
    kwargs = {
        k: v for k, v in vars(args).items() if not k.startswith("_") and v is not None
    }
    budget = getattr(args, "_budget", None)
    if budget is not None or "offset" in kwargs:  # shaped as call_tool gives it to a model: always JSON
        from tools.registry import run_tool

        result = run_tool(tool, kwargs, budget)
    else:
        result = tool.resolve()(**kwargs)
    _print_result(tool, result, args._json or budget is not None or "offset" in kwargs)
    fail_key = tool.cli.get("fail_when_false")
    if fail_key and isinstance(result, dict) and not result.get(fail_key):
        return 1
    return _source_failure(tool.cli.get("fail_when_empty"), result)


def _source_failure(data_key: str | None, result: Any) -> int:
    """Exit 1 with the cause (one line) when a read tool got no data because its source failed.

    `fail_when_empty: records` in skill.yaml: that field is empty and a data gap says why (403, 429,
    500, a refused connection, a deadline). Empty data without a gap is an answer (nothing in the
    window), not a failure.
    """
    if not data_key or not isinstance(result, dict) or result.get(data_key):
        return 0
    gaps = [g for g in result.get("data_gaps") or [] if isinstance(g, dict) and not g.get("answered")]
    if not gaps:
        return 0
    why = " ".join(str(gaps[0].get("why_missing") or "failed").split())
    print(f"crobs: error: {gaps[0].get('source') or 'source'}: {why}", file=sys.stderr)
    return 1


class _TerminalSafe:
    """stdout/stderr as main hands them to tools: escape sequences, controls and bidi overrides removed.

    Tools print text from logs, cards and repositories; `ESC [ 2 J` or U+202E in
    a log line must not clear the screen or reorder what the user reads.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from tools.safety.markdown import strip_terminal

        self._stream.write(strip_terminal(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if sys.stdout is None or getattr(sys.stdout, "closed", False):  # `crobs ... >&-`
        if sys.stderr is not None:
            print("crobs: error: standard output is closed; redirect it (e.g. > /dev/null) instead",
                  file=sys.stderr)
        return 2
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _TerminalSafe(sys.stdout), _TerminalSafe(sys.stderr)
    try:
        code = _main(argv)
    finally:
        sys.stdout, sys.stderr = streams
    return code


def _main(argv: list[str]) -> int:
    try:
        code = run(argv)
    except ToolError as exc:
        print(f"crobs: error: {' '.join(mask_text(str(exc)).split())}", file=sys.stderr)
        code = exc.exit_code
    except KeyboardInterrupt:
        print("crobs: interrupted", file=sys.stderr)
        code = 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except Exception as exc:  # noqa: BLE001 - the user gets one line, not a traceback
        if os.environ.get("CROBS_DEBUG"):
            raise
        if isinstance(exc, OSError) and exc.filename is not None:
            # a file the user named cannot be used (name too long, permission, I/O error): their input, one line
            print(f"crobs: error: {mask_text(str(exc.filename))}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        print(f"crobs: internal error: {type(exc).__name__}: {' '.join(mask_text(str(exc)).split())} "
              "(set CROBS_DEBUG=1 for a traceback)", file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader (`| head`) left: what it did not read is not an error
        _silence_stdout()
    return code


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    sys.exit(main())
