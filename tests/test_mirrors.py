"""evals/mirrors.py: a real case's repository is written from a git mirror at the pinned commit, never committed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "evals"))

from mirrors import materialise  # noqa: E402


def _git(cwd: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x",
           "HOME": str(cwd), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout.strip()


@pytest.fixture()
def mirror(tmp_path: Path) -> tuple[Path, str, str]:
    work = tmp_path / "work"
    work.mkdir()
    _git(work, "init", "-q")
    (work / "app").mkdir()
    (work / "app" / "main.py").write_text("PORT = 8080\nbind('127.0.0.1', PORT)\n")
    (work / "run.sh").write_text("#!/bin/sh\nexec python app/main.py\n")
    (work / "run.sh").chmod(0o755)
    (work / "link").symlink_to("/etc/passwd")
    _git(work, "add", "-A")
    _git(work, "commit", "-qm", "buggy")
    before = _git(work, "rev-parse", "HEAD")
    (work / "app" / "main.py").write_text("PORT = 8080\nbind('0.0.0.0', PORT)\n")
    _git(work, "commit", "-qam", "fix")
    after = _git(work, "rev-parse", "HEAD")
    mirrors = tmp_path / "mirrors"
    (mirrors / "acme+api").mkdir(parents=True)
    _git(tmp_path, "clone", "-q", "--bare", str(work), str(mirrors / "acme+api" / "repo"))
    return mirrors, before, after


def _case(tmp_path: Path, commit: str) -> Path:
    case = tmp_path / "case"
    case.mkdir(exist_ok=True)
    (case / "repo.yaml").write_text(f"repository: acme/api\ncommit: {commit}\nlicense: MIT\n")
    return case


def test_the_tree_is_written_at_the_pinned_pre_fix_commit(mirror, tmp_path):
    mirrors, before, after = mirror
    case = _case(tmp_path, before)
    assert materialise(case, mirrors) == f"acme/api@{before[:12]}: 2 files"
    assert (case / "repo" / "app" / "main.py").read_text().splitlines()[1] == "bind('127.0.0.1', PORT)"
    assert (case / "repo" / "run.sh").stat().st_mode & 0o111
    assert not (case / "repo" / "link").exists(), "a symlink from a stranger's tree is not written"
    assert materialise(case, mirrors).endswith("already materialised")
    _case(tmp_path, after)
    materialise(case, mirrors)
    assert "0.0.0.0" in (case / "repo" / "app" / "main.py").read_text(), "a new pin replaces the old tree"


def test_a_missing_mirror_or_commit_is_one_line_and_leaves_no_repo(mirror, tmp_path):
    mirrors, _, _ = mirror
    case = _case(tmp_path, "f" * 40)
    assert materialise(case, mirrors) == f"the mirror of acme/api has no commit {'f' * 40}"
    assert materialise(case, tmp_path / "nowhere") == f"no mirror of acme/api under {tmp_path / 'nowhere'}"
    assert not (case / "repo").exists()
    (case / "repo.yaml").write_text("repository: acme/api\n")
    with pytest.raises(ValueError, match="needs `repository: OWNER/NAME` and `commit"):
        materialise(case, mirrors)
