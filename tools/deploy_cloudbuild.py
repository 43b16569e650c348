"""Cloud Build ordering: a deploy step that uses an image the build has not pushed yet.

Images listed under a build's top-level `images:` are pushed only after every
step has finished, so a `gcloud run deploy --image X` step in the same build
points Cloud Run at a tag that does not exist yet (the revision fails with
"Image ... not found") unless an earlier step ran `docker push X`.
"""

from __future__ import annotations

from typing import Any

import yaml

from tools.records import Setting


def _scalar(node: Any) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _mapping(node: Any) -> dict[str, Any]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _args(step: dict[str, Any]) -> list[tuple[str, int]]:
    node = step.get("args")
    if isinstance(node, yaml.SequenceNode):
        return [(s.value, s.start_mark.line + 1) for s in node.value if isinstance(s, yaml.ScalarNode)]
    if isinstance(node, yaml.ScalarNode):
        return [(word, node.start_mark.line + 1) for word in node.value.split()]
    return []


def _deploy_image(args: list[tuple[str, int]]) -> tuple[str, int] | None:
    words = [w for w, _ in args]
    if "run" not in words or not {"deploy", "update"} & set(words):
        return None
    for index, (word, line) in enumerate(args):
        if word.startswith("--image="):
            return word.split("=", 1)[1], line
        if word == "--image" and index + 1 < len(args):
            return args[index + 1]
    return None


def unpushed_deploy_images(rel: str, text: str) -> list[Setting]:
    """Deploy steps whose image is pushed only by the build's final `images:` push."""
    if "steps" not in text or "images" not in text:
        return []
    try:
        root = _mapping(yaml.compose(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return []
    images_node = root.get("images")
    steps_node = root.get("steps")
    if not isinstance(images_node, yaml.SequenceNode) or not isinstance(steps_node, yaml.SequenceNode):
        return []
    final_push = {v for v in map(_scalar, images_node.value) if v}
    pushed: set[str] = set()
    out = []
    for node in steps_node.value:
        step = _mapping(node)
        args = _args(step)
        words = [w for w, _ in args]
        if "push" in words and words.index("push") + 1 < len(words):
            pushed.add(words[words.index("push") + 1])
        deploy = _deploy_image(args)
        if deploy is None:
            continue
        image, line = deploy
        if image in final_push and image not in pushed:
            step_id = _scalar(step.get("id")) or f"step at line {node.start_mark.line + 1}"
            out.append(Setting(setting="image_pushed_after_deploy", value=image, is_default=False,
                               raw_ref=f"{rel}:{line}", source="repository", origin="cloudbuild",
                               resource=f"cloudbuild step {step_id}", target_name=None))
    return out
