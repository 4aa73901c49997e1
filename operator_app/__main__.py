import sys

from operator_app.cli import main

sys.exit(main())
