"""``python -m deskchat`` starts the app."""

import sys

from deskchat.app import main

if __name__ == "__main__":
    sys.exit(main())
