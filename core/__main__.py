"""``python -m core``: the command line (see core/cli.py)."""

from core.cli import main

raise SystemExit(main())
