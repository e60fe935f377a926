"""A faster websocket unmasking for eventlet's server, applied when run under eventlet.

eventlet's RFC6455WebSocket._apply_mask builds one bytes object per byte of every frame
a phone sends; in a 1,000-phone burst that was an eighth of the server's CPU (py-spy,
bench/load.py scenario b). XOR with the repeated 4-byte mask as two big integers gives
the same bytes at C speed.
"""

from __future__ import annotations

from collections.abc import Sequence


def apply_mask(
    data: bytes, mask: Sequence[int], length: int | None = None, offset: int = 0
) -> bytes:
    """Same contract as eventlet's: the first `length` bytes of `data`, XORed with
    `mask` starting at mask position `offset`."""
    if length is None:
        length = len(data)
    chunk = bytes(data[:length])
    key = bytes(mask[(offset + i) % 4] for i in range(4))
    pad = (key * (length // 4 + 1))[:length]
    return (int.from_bytes(chunk, "little") ^ int.from_bytes(pad, "little")).to_bytes(
        length, "little"
    )


def install() -> None:
    """Replace eventlet's per-byte unmasking (a staticmethod) with apply_mask."""
    from eventlet.websocket import RFC6455WebSocket

    RFC6455WebSocket._apply_mask = staticmethod(apply_mask)
