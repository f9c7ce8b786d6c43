"""Imported first by every benchmark that imports dataaudit: this checkout's package, not another installed one.

An editable install (``pip install -e .``) points every ``import dataaudit`` at the checkout it was made from; a
benchmark run from a second checkout (a git worktree) would then measure the first one's code. Putting this
checkout's root first on ``sys.path`` makes ``python bench/<script>.py`` measure the code beside it.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path[:1] != [str(ROOT)]:
    sys.path.insert(0, str(ROOT))
