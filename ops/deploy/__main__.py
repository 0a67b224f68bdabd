"""``python -m ops.deploy``: print the deploy plan (see ``ops.deploy.cli``)."""

import sys

from ops.deploy.cli import main

sys.exit(main())
