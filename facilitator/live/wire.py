"""The JSON that goes out on the sockets.

orjson encodes a push several times faster than the json module (300 intervision
members' own views, about 2 kB each: 10 ms with json, 1.4 ms with orjson, see
docs/benchmarks.md), and a push's cost is the room's latency. Incoming packets are still
decoded by python-socketio's own rules (engineio.json: no integer of over 100 digits), so
what a client may send is unchanged.
"""

from __future__ import annotations

from typing import Any

import engineio.json
import orjson

# Dict keys that are not text (a count per number) become text, as the json module does.
_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value: Any, **_ignored: Any) -> str:
    """Compact JSON text of `value` (python-socketio passes `separators`: compact anyway)."""
    return orjson.dumps(value, option=_OPTIONS).decode()


loads = engineio.json.loads
