"""A tiny SMTP server for tests that need real SMTP delivery (standard library only).

It answers EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP and QUIT on 127.0.0.1 and records every
message. ``data_delay`` holds the reply to DATA back for that many seconds, like a slow server:
a message counts as delivered (``messages``) only once the 250 reply has gone to a client that
is still connected; a client that vanishes while the reply is held back (a killed worker)
leaves its message in ``aborted`` instead, as a server that had not yet committed it would.
With ``commit_before_reply`` the sink behaves like an MTA that queues the message as soon as
the final dot arrives and only then replies: the message is delivered even if the client
never sees the 250 (it is then in ``messages`` and in ``aborted``).
"""

from __future__ import annotations

import select
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass
class Message:
    mail_from: str
    rcpt_to: list[str]
    data: bytes
    received_at: float = field(default_factory=time.monotonic)

    def parsed(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]

    @property
    def subject(self) -> str:
        return str(self.parsed()["Subject"] or "")


def _peer_closed(sock: socket.socket) -> bool:
    """True when the client has closed the connection (it sends nothing while awaiting a reply)."""
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


class _Handler(socketserver.StreamRequestHandler):
    server: SmtpSink

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        sink = self.server
        mail_from, rcpt_to = "", list[str]()
        try:
            self.reply("220 127.0.0.1 smtp-sink ready")
            while not sink.stopping.is_set():
                raw = self.rfile.readline()
                if not raw:
                    return
                command = raw.decode("utf-8", "replace").strip()
                verb = command[:4].upper()
                if verb in ("EHLO", "HELO"):
                    self.reply("250 127.0.0.1")
                elif verb == "MAIL":
                    mail_from, rcpt_to = command[10:].strip(), []
                    self.reply("250 OK")
                elif verb == "RCPT":
                    rcpt_to.append(command[8:].strip())
                    self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 End data with <CR><LF>.<CR><LF>")
                    lines = []
                    while True:
                        line = self.rfile.readline()
                        if not line:
                            return
                        if line in (b".\r\n", b".\n"):
                            break
                        lines.append(line[1:] if line.startswith(b".") else line)
                    message = Message(mail_from, rcpt_to, b"".join(lines))
                    if sink.commit_before_reply:
                        with sink.lock:
                            sink.messages.append(message)
                    if not self._hold_reply(message):
                        return
                    if not sink.commit_before_reply:
                        with sink.lock:
                            sink.messages.append(message)
                    self.reply("250 OK: queued")
                elif verb in ("RSET", "NOOP"):
                    if verb == "RSET":
                        mail_from, rcpt_to = "", []
                    self.reply("250 OK")
                elif verb == "QUIT":
                    self.reply("221 Bye")
                    return
                else:
                    self.reply("502 Command not implemented")
        except OSError:
            return  # the client went away

    def _hold_reply(self, message: Message) -> bool:
        """Wait ``data_delay`` seconds before the 250; False if the client left meanwhile."""
        sink = self.server
        with sink.lock:
            sink.pending.append(message)
        try:
            deadline = time.monotonic() + sink.data_delay
            while time.monotonic() < deadline:
                if sink.stopping.wait(0.05) or _peer_closed(self.connection):
                    with sink.lock:
                        sink.aborted.append(message)
                    return False
            if _peer_closed(self.connection):
                with sink.lock:
                    sink.aborted.append(message)
                return False
            return True
        finally:
            with sink.lock:
                sink.pending.remove(message)


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, port: int = 0, *, data_delay: float = 0.0, commit_before_reply: bool = False
    ) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.data_delay = data_delay
        self.commit_before_reply = commit_before_reply
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.messages: list[Message] = []  # delivered (acknowledged, or committed)
        self.pending: list[Message] = []  # DATA received, reply held back
        self.aborted: list[Message] = []  # client left before the 250

    @property
    def port(self) -> int:
        return self.server_address[1]

    def delivered(self, *, to: str | None = None) -> list[Message]:
        with self.lock:
            messages = list(self.messages)
        if to is None:
            return messages
        return [m for m in messages if any(to.lower() in r.lower() for r in m.rcpt_to)]

    def wait_for(self, count: int, *, timeout: float, to: str | None = None) -> list[Message]:
        """Wait until at least ``count`` messages were delivered (to ``to``); return them all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            messages = self.delivered(to=to)
            if len(messages) >= count:
                return messages
            time.sleep(0.1)
        return self.delivered(to=to)


@contextmanager
def smtp_sink(*, data_delay: float = 0.0, commit_before_reply: bool = False) -> Iterator[SmtpSink]:
    """A running sink on a free port of 127.0.0.1, shut down on exit."""
    sink = SmtpSink(data_delay=data_delay, commit_before_reply=commit_before_reply)
    thread = threading.Thread(target=sink.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        sink.stopping.set()
        sink.shutdown()
        sink.server_close()
        thread.join(timeout=5)
