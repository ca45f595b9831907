"""``python -m explorer``: the same entry point as the ``explorer`` console script."""

from explorer.cli.main import main

raise SystemExit(main())
