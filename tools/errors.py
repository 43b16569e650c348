"""Errors that the CLI turns into one clear line and an exit code.

Tools raise these instead of printing, so the same failure reads the same way
from the CLI, from Anthropic tool use and from MCP.
"""

import argparse
from typing import NoReturn


class ToolError(Exception):
    """A failure the user can act on; the message is one line."""

    exit_code = 2


class UsageError(ToolError):
    """The call itself is wrong (bad flag, bad window): exit 2."""

    exit_code = 2


class InputError(ToolError):
    """An input file or resource is missing, unreadable or malformed: exit 2."""

    exit_code = 2


class SourceError(ToolError):
    """A remote source failed in a way that leaves no usable data: exit 1."""

    exit_code = 1



class OneLineArgumentParser(argparse.ArgumentParser):
    """argparse that reports a bad call as one line (`crobs X: error: ... (see crobs X --help)`), exit 2.

    argparse prints the whole usage block first; called by a model or a CI
    step, one line that names the problem and where help is reads better.
    Subparsers made from it inherit the behaviour.
    """

    def error(self, message: str) -> NoReturn:
        message = " ".join(message.split())
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")
