"""`python -m ganlib.cli`: the `ganlib` command."""

from ganlib.cli import main

raise SystemExit(main())
