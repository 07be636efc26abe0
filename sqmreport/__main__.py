import sys

from sqmreport.build.cli import main

sys.exit(main())
