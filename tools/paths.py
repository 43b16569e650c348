"""Where the package's data lives.

The skill is used from its checkout (an assistant reads SKILL.md beside
skill.yaml), so data files are found relative to the repository root rather
than through package resources.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "skill.yaml"
SCHEMAS = ROOT / "schemas"
PROFILES = ROOT / "profiles"
DATA = Path(__file__).resolve().parent / "data"
