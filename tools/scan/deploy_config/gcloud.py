"""`gcloud run deploy` / `services update` / `jobs deploy` flags wherever they are
written: CI workflows, cloudbuild.yaml (as a shell string or an args list),
Makefile, justfile and shell scripts.

Only flags that are present are reported: a later `services update` keeps
whatever the service already had, so a missing flag says nothing about the
live value (no defaults here, unlike Terraform).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from tools.records import Setting
from tools.scan.deploy_config.common import bind_address, convert, deploy_settings
from tools.scan.deploy_config.scripts import (
    arrays,
    expand_arrays,
    flag_strings,
    scoped_variables,
    value_at,
    value_origin,
)

# one shell word: quoted and unquoted parts run together (`--flag="$v"`), GitHub `${{ ... }}` kept whole
_TOKEN = re.compile(r"""(?:\$\{\{[^}]*\}\}|"[^"]*"|'[^']*'|[^\s"'])+""")
_QUOTED = re.compile(r"""\$\{\{[^}]*\}\}|"([^"]*)"|'([^']*)'""")


def _unquote(word: str) -> str:
    """The word as the shell passes it: quotes removed, `${{ ... }}` left as written."""
    return _QUOTED.sub(lambda m: m.group(0) if m.group(0).startswith("$") else (m.group(1) or m.group(2) or ""),
                       word)
# google-github-actions/deploy-cloudrun inputs -> the gcloud flag they become.
# The action merges env vars and secrets into the service by default (env_vars_update_strategy: merge).
_ACTION_INPUTS = {"image": "--image", "env_vars": "--update-env-vars", "secrets": "--update-secrets"}


_FOLDED = re.compile(r":\s*>[-+]?\s*$")  # `run: >-`: YAML folds the indented lines below into one line


def _tokens(text: str) -> list[list[tuple[str, int]]]:
    """Logical command lines as (token, physical line) lists: backslash continuations and YAML folded
    block scalars (`run: >-` with the command spread over indented lines) are joined."""
    logical: list[list[tuple[str, int]]] = []
    current: list[tuple[str, int]] = []
    folded_indent: int | None = None  # indentation of the key that opened a folded scalar
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.rstrip()
        indent = len(line) - len(line.lstrip())
        if folded_indent is not None:
            if not stripped or indent > folded_indent:
                current += [(_unquote(m.group(0)), number) for m in _TOKEN.finditer(stripped)]
                continue
            logical.append(current)
            current, folded_indent = [], None
        if _FOLDED.search(stripped):
            if current:
                logical.append(current)
            current, folded_indent = [], indent
            continue
        continued = stripped.endswith("\\")
        body = stripped[:-1] if continued else stripped
        current += [(_unquote(m.group(0)), number) for m in _TOKEN.finditer(body)]
        if not continued:
            logical.append(current)
            current = []
    if current:
        logical.append(current)
    return logical


def _yaml_arg_lists(text: str) -> list[list[tuple[str, int]]]:
    """cloudbuild-style `args: [run, deploy, svc, --memory=1Gi]` sequences, each prefixed with gcloud."""
    found: list[list[tuple[str, int]]] = []
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return found
    stack = [d for d in documents if d is not None]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            stack.extend(v for _, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            scalars = [i for i in node.value if isinstance(i, yaml.ScalarNode)]
            if scalars and len(scalars) == len(node.value):
                values = [s.value for s in scalars]
                if "run" in values[:3] and "gcloud" not in values:
                    first = scalars[0].start_mark.line + 1
                    found.append([("gcloud", first)] + [(s.value, s.start_mark.line + 1) for s in scalars])
            stack.extend(node.value)
    return found


_ASSIGNMENT = re.compile(r"^\s*(?:export\s+|-\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*(?::|\?=|:=|=)\s*"
                         r"[\"']?(?P<value>[a-z0-9][a-z0-9._-]*)[\"']?\s*$", re.MULTILINE)
_REFERENCE = re.compile(r"^\$\{\{\s*env\.(?P<a>\w+)\s*\}\}$|^\$\{(?P<b>\w+)\}$|^\$(?P<c>\w+)$|^\$\((?P<d>\w+)\)$")


def variables(text: str) -> dict[str, str]:
    """Names a file gives its service in plain assignments: a workflow `env:` block (`SERVICE: api`),
    shell `SERVICE=api` / `export SERVICE=api`, Makefile `SERVICE ?= api`. The first value wins."""
    found: dict[str, str] = {}
    for match in _ASSIGNMENT.finditer(text):
        found.setdefault(match.group("key"), match.group("value"))
    return found


def resolve_name(name: str | None, names: dict[str, str]) -> str | None:
    """`$SERVICE`, `${SERVICE}`, `${{ env.SERVICE }}`, `$(SERVICE)` resolved from the file, else as written."""
    match = _REFERENCE.match(name or "")
    if not match:
        return name
    key = next(v for v in match.groups() if v)
    return names.get(key, name)


def _merge_repeated(settings: list[Setting]) -> list[Setting]:
    """A list flag given several times (`--set-env-vars A=1 --set-env-vars B=2`) adds up: gcloud merges the
    repeats, so the revision has A and B, cited at the first one."""
    out: list[Setting] = []
    first: dict[str, Setting] = {}
    for setting in settings:
        name = setting["setting"]
        if isinstance(setting["value"], list) and name in first:
            first[name]["value"] = first[name]["value"] + [v for v in setting["value"]
                                                           if v not in first[name]["value"]]
            continue
        if isinstance(setting["value"], list):
            first[name] = setting
        out.append(setting)
    return out


def _env_values(items: list[str], value_line: int, source_text: str, rel: str, resource: str,
                name: str | None) -> list[Setting]:
    """`KEY=<expression>` for each env value built from shell variables, cited where the expression is written
    (a failure that names a value the runtime could not find is matched against it: evidence_secret_refs)."""
    out = []
    for item in items:
        key, _, raw = item.partition("=")
        if "$" not in raw:
            continue
        expression, line = value_origin(raw, value_line, source_text)
        out.append(Setting(setting="env_value", value=f"{key}={expression}", is_default=False,
                           raw_ref=f"{rel}:{line}", source="repository", origin="gcloud", resource=resource,
                           target_name=name))
    return out


def _parse_command(tokens: list[tuple[str, int]], rel: str, names: dict[str, str] | None = None,
                   source_text: str = "") -> tuple[list[Setting], dict[str, Any]] | None:
    data = deploy_settings()
    words = [t for t, _ in tokens]
    try:
        start = words.index("gcloud")
    except ValueError:
        return None
    index = start + 1
    while index < len(words) and words[index] in ("alpha", "beta"):
        index += 1
    if index >= len(words) or words[index] != "run":
        return None
    index += 1
    command = None
    for phrase, kind in data["gcloud_commands"].items():
        parts = phrase.split()
        if words[index:index + len(parts)] == parts:
            command, index = (phrase, kind), index + len(parts)
            break
    if command is None:
        return None
    written = words[index] if index < len(words) and not words[index].startswith("-") else None
    name = resolve_name(written, names or {}) or written
    # a name still written as a variable (a Cloud Build substitution, a step output) may be any service,
    # the target included: unknown, not another service's
    name = None if name is None or "$" in name or "{{" in name else name
    line = tokens[start][1]
    resource = f"gcloud run {command[0]} {name or written or ''}".strip()
    flags = data["gcloud_flags"]
    settings: list[Setting] = []
    command_text: list[tuple[str, int]] = []
    i = index + (1 if written else 0)
    while i < len(tokens):
        word, word_line = tokens[i]
        if word in (";", "&&", "||", "|"):
            break
        flag, _, inline = word.partition("=")
        spec = flags.get(flag)
        if spec is None:
            i += 1
            continue
        value_line = word_line
        if "value" in spec:
            value: Any = spec["value"]
        elif inline or "=" in word:
            value = inline
        elif i + 1 < len(tokens):
            i += 1
            value, value_line = tokens[i]
        else:
            break
        setting_name = spec["setting"]
        if spec.get("convert") == "env":
            # a comma-separated item without `=` continues the previous value (A=x,y), it names nothing
            items = [item for item in str(value).split(",") if "=" in item]
            keep = -1 if setting_name == "secret_refs" else 0  # secrets: NAME=secret:version -> secret:version
            value = [item.split("=", 1)[keep] for item in items]
            if setting_name != "secret_refs":
                settings += _env_values(items, value_line, source_text, rel, resource, name)
        elif spec.get("convert") == "names":  # NAME1,NAME2
            value = [item for item in str(value).split(",") if item]
        elif setting_name in ("command", "args"):
            command_text.append((str(value).replace(",", " "), word_line))
            i += 1
            continue
        else:
            value = convert(value, spec.get("convert"))
        settings.append(Setting(setting=setting_name, value=value, is_default=False, raw_ref=f"{rel}:{word_line}",
                                source="repository", origin="gcloud", resource=resource, target_name=name))
        i += 1
    settings = _merge_repeated(settings)
    if command_text:
        text = " ".join(t for t, _ in command_text)
        settings.append(Setting(setting="command", value=text, is_default=False,
                                raw_ref=f"{rel}:{command_text[0][1]}", source="repository", origin="gcloud",
                                resource=resource, target_name=name))
        host = bind_address(text)
        if host:
            host_line = next(ln for t, ln in command_text if bind_address(t))
            settings.append(Setting(setting="bind_address", value=host, is_default=False,
                                    raw_ref=f"{rel}:{host_line}", source="repository", origin="gcloud",
                                    resource=resource, target_name=name))
    if name and command[0] in (data.get("gcloud_unset_defaults") or {}).get("commands", []):
        settings += _unset_defaults(settings, f"{rel}:{line}", resource, name)
    return settings, {"kind": f"gcloud run {command[0]}", "name": name or written, "path": rel, "line": line,
                      "target_name": name}


def _unset_defaults(given: list[Setting], raw_ref: str, resource: str, name: str) -> list[Setting]:
    """Settings a `gcloud run deploy` of a named service leaves out, at the command's line, marked default.

    Left out, the flag keeps what the service already had, so these say "the platform default, unless
    something else set it": the evidence drops them when the live value differs (tools/analysis/evidence/build.py).
    """
    data = deploy_settings()
    present = {s["setting"] for s in given}
    return [Setting(setting=setting, value=data["defaults"][setting], is_default=True, raw_ref=raw_ref,
                    source="repository", origin="gcloud", resource=resource, target_name=name)
            for setting in data["gcloud_unset_defaults"]["settings"] if setting not in present]


def _action_steps(text: str) -> list[list[tuple[str, int]]]:
    """`uses: google-github-actions/deploy-cloudrun` steps rewritten as gcloud run deploy token lists."""
    found: list[list[tuple[str, int]]] = []
    if "deploy-cloudrun" not in text:
        return found
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return found
    stack = [d for d in documents if d is not None]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        if not isinstance(node, yaml.MappingNode):
            continue
        values = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        stack.extend(values.values())
        uses = values.get("uses")
        inputs = values.get("with")
        if not (isinstance(uses, yaml.ScalarNode) and "deploy-cloudrun" in str(uses.value)
                and isinstance(inputs, yaml.MappingNode)):
            continue
        given = {k.value: v for k, v in inputs.value if isinstance(v, yaml.ScalarNode)}
        name_node = given.get("service") or given.get("job")
        line = uses.start_mark.line + 1
        words = ["run", "jobs", "deploy"] if "job" in given and "service" not in given else ["run", "deploy"]
        tokens = [("gcloud", line)] + [(w, line) for w in words]
        if name_node is not None:
            tokens.append((str(name_node.value), name_node.start_mark.line + 1))
        for key, flag in _ACTION_INPUTS.items():
            node_value = given.get(key)
            if node_value is not None:
                items = [v.strip() for v in re.split(r"[\n,]", str(node_value.value)) if v.strip()]
                tokens += [(flag, node_value.start_mark.line + 1), (",".join(items), node_value.start_mark.line + 1)]
        flags = given.get("flags")
        if flags is not None:
            base = flags.start_mark.line + 1 + (1 if flags.style in ("|", ">") else 0)
            for chunk in _tokens(str(flags.value)):
                tokens += [(word, base + number - 1) for word, number in chunk]
        found.append(tokens)
    return found


def scan_gcloud(rel: str, text: str) -> tuple[list[Setting], list[dict[str, Any]]]:
    """Every gcloud run deploy/update command in one file."""
    if "gcloud" not in text and not (rel.endswith((".yaml", ".yml")) and "deploy" in text):
        return [], []
    logical = _tokens(text)
    candidates = [t for t in logical if any(w == "gcloud" for w, _ in t)]
    if rel.endswith((".yaml", ".yml")):
        candidates += _yaml_arg_lists(text) + _action_steps(text)
    settings: list[Setting] = []
    resources: list[dict[str, Any]] = []
    seen: set[tuple[str, int]] = set()
    scoped = scoped_variables(text)
    defined = arrays(logical, text) if "=(" in text else {}
    scalars = flag_strings(text)
    for tokens in candidates:
        tokens = expand_arrays(tokens, defined, scalars)
        line = tokens[0][1]
        names = {key: value for key in scoped if (value := value_at(key, scoped, line)) is not None}
        parsed = _parse_command(tokens, rel, names, text)
        if parsed is None:
            continue
        found, resource = parsed
        if (resource["path"], resource["line"]) in seen:
            continue
        seen.add((resource["path"], resource["line"]))
        settings += found
        resources.append(resource)
    if rel.endswith((".yaml", ".yml")):
        from tools.scan.deploy_config.cloudbuild import unpushed_deploy_images

        settings += unpushed_deploy_images(rel, text, settings)
    return settings, resources
