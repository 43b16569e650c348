"""Materialise a public project's repository into a case from a local git mirror.

Cases rebuilt from public incidents commit `repo.yaml` (repository, commit,
license), never the project's code. Given a directory of mirrors (what the
`fetch` tool leaves: `<dir>/<OWNER>+<NAME>/repo`, a git directory), this
writes the tree at the pinned commit to `<case>/repo/`. Without a mirror the
case simply runs with no repository, and the eval runner says so.

Files are read blob by blob rather than with `git archive`, because mirror
snapshots leave out their largest blobs: a missing blob is skipped and
counted, not a failed case. Symlinks and submodules are not written (a
symlink in a stranger's tree could point anywhere on this machine).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

MARKER = ".materialised-from"


def read_repo_yaml(case_dir: Path) -> dict | None:
    path = case_dir / "repo.yaml"
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not data.get("repository") or not data.get("commit"):
        raise ValueError(f"{path}: needs `repository: OWNER/NAME` and `commit: <40 hex>`")
    return data


def find_git_dir(mirrors: Path, repository: str) -> Path | None:
    owner, _, name = repository.partition("/")
    for candidate in (mirrors / f"{owner}+{name}" / "repo", mirrors / f"{owner}+{name}" / "repo" / ".git",
                      mirrors / f"{owner}+{name}", mirrors / owner / name, mirrors / f"{name}.git", mirrors / name):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def _git(git_dir: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], input=data, capture_output=True,
                          check=True).stdout


def materialise(case_dir: Path, mirrors: Path) -> str:
    """Write <case>/repo at the pinned commit; one line saying what happened."""
    meta = read_repo_yaml(case_dir)
    if meta is None:
        return "no repo.yaml"
    repository, commit = str(meta["repository"]), str(meta["commit"])
    target = case_dir / "repo"
    marker = target / MARKER
    if marker.is_file() and marker.read_text().strip() == f"{repository}@{commit}":
        return f"{repository}@{commit[:12]} already materialised"
    git_dir = find_git_dir(mirrors, repository)
    if git_dir is None:
        return f"no mirror of {repository} under {mirrors}"
    try:
        _git(git_dir, "cat-file", "-e", f"{commit}^{{commit}}")
    except subprocess.CalledProcessError:
        return f"the mirror of {repository} has no commit {commit}"
    listing = _git(git_dir, "ls-tree", "-r", "-z", "--full-tree", commit).split(b"\0")
    blobs = []
    for row in filter(None, listing):
        head, _, path = row.partition(b"\t")
        mode, kind, sha = head.split()
        if kind == b"blob" and mode in (b"100644", b"100755"):
            blobs.append((sha.decode(), path.decode("utf-8", "surrogateescape"), mode == b"100755"))
    staging = case_dir / "repo.partial"
    shutil.rmtree(staging, ignore_errors=True)
    missing = 0
    with subprocess.Popen(["git", "--git-dir", str(git_dir), "cat-file", "--batch"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        for sha, path, executable in blobs:
            proc.stdin.write(sha.encode() + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline().split()
            if len(header) < 3 or header[1] != b"blob":
                missing += 1
                continue
            body = proc.stdout.read(int(header[2]))
            proc.stdout.read(1)
            out = staging / path
            if staging.resolve() not in out.resolve().parents:
                continue
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(body)
            if executable:
                out.chmod(0o755)
        proc.stdin.close()
    staging.mkdir(exist_ok=True)
    (staging / MARKER).write_text(f"{repository}@{commit}\n")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return f"{repository}@{commit[:12]}: {len(blobs) - missing} files" + (
        f" ({missing} blobs absent from the mirror)" if missing else "")
