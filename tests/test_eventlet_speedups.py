"""The faster websocket unmasking gives exactly eventlet's bytes."""

import random

from eventlet.websocket import RFC6455WebSocket

from facilitator.serve import apply_mask

ORIGINAL = RFC6455WebSocket.__dict__["_apply_mask"].__func__


def test_same_bytes_as_eventlet_for_every_length_offset_and_mask_form():
    rng = random.Random(7)
    for length in [0, 1, 2, 3, 4, 5, 7, 8, 126, 1000, 70_000]:
        data = rng.randbytes(length)
        for offset in range(6):
            mask = tuple(rng.randrange(256) for _ in range(4))
            for form in (mask, list(mask), bytes(mask)):
                assert apply_mask(data, form, offset=offset) == ORIGINAL(data, form, offset=offset)
    # only the first `length` bytes are taken, as eventlet does
    data = rng.randbytes(50)
    assert apply_mask(data, (1, 2, 3, 4), length=20) == ORIGINAL(data, (1, 2, 3, 4), length=20)


def test_masking_twice_gives_the_text_back():
    text = "één dilemma, café, Zoë".encode()
    assert apply_mask(apply_mask(text, b"\x01\x80\xff\x10"), b"\x01\x80\xff\x10") == text
