"""The engine: every change is an action through one dispatcher (`actions`), each
audience's view is computed on the server (`screens`), and the pusher sends fresh views
to the sockets (`pusher`, `sockets`). Nothing here knows any activity by name."""
