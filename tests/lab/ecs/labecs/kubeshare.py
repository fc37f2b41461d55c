"""What the ECS lab borrows from the Kubernetes lab (tests/lab/kube/labkube).

The RFC 6455 framing (labkube.websocket) and the helper that makes a pty the
controlling terminal of a new session (labkube.podexec.CTTY_HELPER) are
imported, not copied, so both labs run commands and frame WebSocket messages
the same way.
"""

import os
import sys

_KUBE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                     "kube")
if _KUBE not in sys.path:
    sys.path.append(_KUBE)

from labkube import websocket as ws  # noqa: E402,F401
from labkube.podexec import CTTY_HELPER, PATH  # noqa: E402,F401
