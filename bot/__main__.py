"""`python -m bot` is the same as the `summit-bot` console script."""

import sys

from bot.cli import main

sys.exit(main())
