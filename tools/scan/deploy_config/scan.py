"""scan_deploy_config: every place a repository declares its Cloud Run configuration.

Terraform, Knative service.yaml, gcloud flags in CI/scripts, Dockerfile and
Procfile each say something about max instances, concurrency, CPU
throttling, memory or the bind address. This tool finds those files (the
same .gitignore-respecting walk as scan_repo, via `rg --files`), hands each
to its parser and returns canonical Settings with exact path:line, so the
analysis can treat "max instances is 1" the same wherever it was declared.
"""

from __future__ import annotations

import fnmatch
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

from tools.errors import InputError, ToolError
from tools.records import DataGap, Setting
from tools.scan.code.patterns import load_catalog
from tools.scan.code.scan_repo import rg_binary
from tools.scan.deploy_config.common import deploy_settings
from tools.scan.deploy_config.dockerfile import scan_dockerfile, scan_procfile
from tools.scan.deploy_config.gcloud import scan_gcloud
from tools.scan.deploy_config.knative import MARKERS, scan_knative
from tools.scan.deploy_config.pulumi import scan_pulumi_projects
from tools.scan.deploy_config.scripts import is_shell_script
from tools.scan.deploy_config.terraform import scan_module
from tools.scan.repo_files import clean_prefix, under_prefix

MAX_BYTES = 1_000_000
_DOCKERFILES = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "Containerfile")
_SCRIPTS = ("Makefile", "makefile", "GNUmakefile", "justfile", "Justfile", "*.mk", "*.sh", "*.bash")


def list_files(root: Path) -> list[str]:
    """Repository files, honouring .gitignore (also outside git) and the catalog's skip_dirs."""
    catalog = load_catalog()
    cmd = [rg_binary(), "--files", "--no-config", "--no-require-git", "--hidden",
           "--max-filesize", str(MAX_BYTES)]
    for name in catalog.skip_dirs:
        cmd += ["-g", f"!{name}"]
    try:
        proc = subprocess.run(cmd + ["--", "."], cwd=root, capture_output=True, check=False)
    except OSError as exc:
        raise ToolError(f"cannot run ripgrep: {exc}") from exc
    return sorted(p.removeprefix("./") for p in proc.stdout.decode("utf-8", "replace").splitlines() if p)


def _matches(name: str, globs: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name, g) for g in globs)


# tool
def scan_deploy_config(path: str, under: str | None = None, include_tests: bool = False) -> dict[str, Any]:
    """Declared Cloud Run settings (value, default or not, path:line) from Terraform, YAML, gcloud, Dockerfile.

    `under` reads one folder only; `include_tests` also reads test, fixture and vendored folders,
    whose configuration never deploys the service and is left out by default.
    """
    root = Path(path).expanduser()
    if not root.exists():
        raise InputError(f"repository path {path!r} does not exist")
    if not root.is_dir():
        raise InputError(f"repository path {path!r} is not a directory")
    root = root.resolve()
    prefix = clean_prefix(root, under)
    gaps: list[DataGap] = []

    def read(rel: str) -> str | None:
        try:
            data = (root / rel).read_bytes()[: MAX_BYTES + 1]
        except OSError as exc:
            gaps.append(DataGap(source="repository", missing_signal=f"configuration in {rel}",
                                why_missing=f"unreadable: {exc.strerror}", follow_up=f"ls -l {rel}"))
            return None
        if b"\x00" in data[:8192] or len(data) > MAX_BYTES:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            gaps.append(DataGap(source="repository", missing_signal=f"configuration in {rel}",
                                why_missing="not UTF-8 text", follow_up=f"file {rel}"))
            return None

    settings: list[Setting] = []
    resources: list[dict[str, Any]] = []
    files: list[str] = []
    modules: dict[str, list[str]] = defaultdict(list)
    skipped = set() if include_tests else {d.lower() for d in deploy_settings().get("not_deployed_dirs") or ()}
    all_files = [rel for rel in list_files(root) if under_prefix(rel, prefix)]
    for rel in all_files:
        name = rel.rsplit("/", 1)[-1]
        if skipped & {part.lower() for part in rel.split("/")[:-1]}:
            continue  # a dev container, a fixture, a test harness: not what Cloud Run runs
        if name.endswith(".tf"):
            modules[rel.rpartition("/")[0]].append(rel)
            continue
        found_settings: list[Setting] = []
        found_resources: list[dict[str, Any]] = []
        if _matches(name, _DOCKERFILES):
            text = read(rel)
            if text is not None:
                found_settings, found_resources = scan_dockerfile(rel, text)
        elif name == "Procfile":
            text = read(rel)
            if text is not None:
                found_settings, found_resources = scan_procfile(rel, text)
        elif name.endswith((".yaml", ".yml")) or _matches(name, _SCRIPTS) or "." not in name:
            text = read(rel)
            if text is None or ("." not in name and not _matches(name, _SCRIPTS) and not is_shell_script(text)):
                continue
            if name.endswith((".yaml", ".yml")) and any(m in text for m in MARKERS):
                k_settings, k_resources, k_gaps = scan_knative(rel, text)
                found_settings += k_settings
                found_resources += k_resources
                gaps += k_gaps
            g_settings, g_resources = scan_gcloud(rel, text)
            found_settings += g_settings
            found_resources += g_resources
        if found_resources:
            files.append(rel)
            settings += found_settings
            resources += found_resources
    p_settings, p_resources, p_files = scan_pulumi_projects(all_files, read)
    settings += p_settings
    resources += p_resources
    files += p_files
    for directory in sorted(modules):
        t_settings, t_resources, t_files, t_gaps = scan_module(root, sorted(modules[directory]), read)
        gaps += t_gaps
        if t_resources:
            settings += t_settings
            resources += t_resources
            files += t_files
    if not any(r["kind"] not in ("dockerfile", "procfile") for r in resources):
        gaps.append(DataGap(
            source="repository",
            missing_signal="declared Cloud Run service/job configuration (Terraform, service.yaml or gcloud flags)",
            why_missing=f"none found under {path}" + (f" in {prefix}" if prefix else ""),
            follow_up="gcloud run services describe <service> --region <region> --format=export",
        ))
    return {"path": str(root), "under": prefix, "settings": settings, "resources": resources,
            "files": sorted(set(files)), "data_gaps": gaps}


def format_deploy_config(result: dict[str, Any]) -> str:
    """One line per setting: where, what, value, and whether it is the platform default."""
    lines = []
    for setting in result["settings"]:
        default = " (default)" if setting.get("is_default") else ""
        via = f"  [{setting['expression']}]" if setting.get("expression") else ""
        lines.append(f"{setting['raw_ref']:<52} {setting['setting']:<20} {setting['value']!r}{default}{via}")
    lines.append(f"{len(result['settings'])} settings from {len(result['resources'])} resources")
    lines += [f"data gap: {g['missing_signal']}: {g['why_missing']}" for g in result.get("data_gaps", [])]
    return "\n".join(lines)
