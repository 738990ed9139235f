"""Run ``python -m tpi_desk``."""

from tpi_desk.cli import main

raise SystemExit(main())
