"""A real SMTP server on loopback (aiosmtpd) that keeps the messages it receives, for the tests
of the emails the portal sends through CKAN's mailer."""
from __future__ import annotations

import contextlib
import email
import email.message
import email.policy
import socket
from collections.abc import Iterator

from aiosmtpd.controller import Controller


class Inbox:
    """The aiosmtpd handler: ``messages`` as (envelope sender, recipients, parsed message);
    the addresses in ``refuse`` are answered 550 (a recipient the server refuses)."""

    def __init__(self):
        self.messages: list[tuple[str, list[str], email.message.EmailMessage]] = []
        self.refuse: set[str] = set()
        self.port = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def smtp_server() -> Iterator[Inbox]:
    """An SMTP server on a free loopback port (``inbox.port``), stopped on exit."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    try:
        yield inbox
    finally:
        controller.stop()


@contextlib.contextmanager
def silent_smtp_server(hold: float = 15.0) -> Iterator[int]:
    """A mail server that accepts connections and never greets (hung), on a free loopback port
    (yielded); each connection is closed after ``hold`` seconds."""
    import threading
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.1)
    stop = threading.Event()

    def serve():
        held = []
        while not stop.is_set():
            with contextlib.suppress(OSError):
                held.append((listener.accept()[0], time.monotonic()))
            for conn, since in list(held):
                if time.monotonic() - since > hold:
                    conn.close()
                    held.remove((conn, since))
        for conn, _since in held:
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        listener.close()
