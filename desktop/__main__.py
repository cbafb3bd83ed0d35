"""``python -m desktop``: the same entry point as the ``expert-answers`` gui-script."""

import sys

from desktop.app import main

sys.exit(main())
