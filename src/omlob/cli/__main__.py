import sys

from omlob.cli import main

sys.exit(main())
