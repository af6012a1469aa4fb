"""Where things live: the repository, the shared datasets, the cache."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

#: Environment variable naming the directory with the shared datasets (tests, benches).
DATASETS_ENV = "PROJ_DATASETS"
#: Environment variable naming the cache directory (converted models, translations, ...).
CACHE_ENV = "PROJ_CACHE"
#: Environment variable naming the runs roots, separated by ``os.pathsep``.
RUNS_ENV = "PROJ_RUNS"


def datasets_dir() -> Path:
    """``$PROJ_DATASETS`` or ``../shared/datasets`` beside the repository (may not exist)."""
    env = os.environ.get(DATASETS_ENV)
    return Path(env) if env else REPO_ROOT.parent / "shared" / "datasets"


def cache_dir() -> Path:
    """``$PROJ_CACHE`` or ``~/.cache/projection-inspector``."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path.home() / ".cache" / "projection-inspector"


#: The runs committed with the repository: demo runs, summaries, the paper's figures.
COMMITTED_RUNS = REPO_ROOT / "data" / "runs"


def default_runs_root() -> Path:
    """Where ``python -m core run`` and the "Your data" page write runs: the first directory of
    ``$PROJ_RUNS``, else ``runs/`` in the repository (git-ignored)."""
    env = os.environ.get(RUNS_ENV)
    return Path(env.split(os.pathsep)[0]) if env else REPO_ROOT / "runs"
