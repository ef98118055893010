"""``python -m api.cli``: the same as the ``kratuve`` command."""

from api.cli import main

raise SystemExit(main())
