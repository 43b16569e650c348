"""Cloud Build ordering: a deploy step that uses an image the build has not pushed yet.

Images listed under a build's top-level `images:` are pushed only after every
step has finished, so a `gcloud run deploy --image X` step in the same build
points Cloud Run at a tag that does not exist yet (the revision fails with
"Image ... not found") unless an earlier step ran `docker push X`. The deploy
steps themselves are read by tools/scan/deploy_config/gcloud.py; this module only adds the
build's push order.
"""

from __future__ import annotations

from typing import Any

import yaml

from tools.records import Setting


def _mapping(node: Any) -> dict[str, Any]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _pushes(steps: yaml.SequenceNode) -> list[tuple[str, int]]:
    """(image, line) of every `docker push IMAGE` step."""
    found = []
    for node in steps.value:
        args = _mapping(node).get("args")
        scalars = args.value if isinstance(args, yaml.SequenceNode) else [args]
        scalars = [s for s in scalars if isinstance(s, yaml.ScalarNode)]
        words = [(w, s.start_mark.line + 1) for s in scalars for w in s.value.split()]
        for index, (word, _) in enumerate(words[:-1]):
            if word == "push":
                found.append(words[index + 1])
    return found


def unpushed_deploy_images(rel: str, text: str, deployed: list[Setting]) -> list[Setting]:
    """The `image` settings of this file's deploy steps that only the build's final `images:` push uploads."""
    images = [s for s in deployed if s["setting"] == "image" and s["raw_ref"].startswith(f"{rel}:")]
    if not images or "images" not in text:
        return []
    try:
        root = _mapping(yaml.compose(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return []
    final, steps = root.get("images"), root.get("steps")
    if not isinstance(final, yaml.SequenceNode) or not isinstance(steps, yaml.SequenceNode):
        return []
    final_push = {n.value for n in final.value if isinstance(n, yaml.ScalarNode)}
    pushes = _pushes(steps)
    out = []
    for image in images:
        line = int(image["raw_ref"].rsplit(":", 1)[1])
        if image["value"] in final_push and not any(p == image["value"] and at < line for p, at in pushes):
            out.append(Setting(setting="image_pushed_after_deploy", value=image["value"], is_default=False,
                               raw_ref=image["raw_ref"], source="repository", origin="cloudbuild",
                               resource=image.get("resource"), target_name=image.get("target_name")))
    return out
