"""Run ``python -m tpi_desk``."""

import multiprocessing

from tpi_desk.cli import main

# verify's worker processes are spawned: they import this module again (as __mp_main__),
# which must not run the command a second time; a frozen build needs freeze_support().
if __name__ == "__main__":
    multiprocessing.freeze_support()
    raise SystemExit(main())
