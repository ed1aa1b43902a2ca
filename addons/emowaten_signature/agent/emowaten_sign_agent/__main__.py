"""``python -m emowaten_sign_agent``: the same as the ``emowaten-sign-agent`` command
(for a Windows PC whose Python ``Scripts`` folder is not on the PATH)."""

import os
import sys

if not __package__:
    # run as a path (python .../emowaten_sign_agent): make the package importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from emowaten_sign_agent.cli import main  # noqa: E402

sys.exit(main())
