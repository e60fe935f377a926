"""What the tests share: one Server, one Room builder, one login helper, the socket
Client with its truth check, and screenshots on demand."""

from support.client import Client, Screens, refusal, settle
from support.login import form_token, login_cookie, login_cookies, login_session
from support.room import FAC, Room, board_token
from support.server import PASSWORD, ROOT, Server, free_port
from support.shots import screenshot

__all__ = ["FAC", "PASSWORD", "ROOT", "Client", "Room", "Screens", "Server", "board_token",
           "form_token", "free_port", "refusal", "login_cookie", "login_cookies", "login_session",
           "screenshot", "settle"]
