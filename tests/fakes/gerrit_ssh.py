"""A fake Gerrit SSH daemon (paramiko server mode) that streams events, plus stream-events JSON factories.

It is good enough for gerritlib's real ``Gerrit(...).startWatching()`` / ``getEvent()``::

    key, key_file = generate_key(tmp_path / "id_ed25519")
    with FakeGerritSSH(user="reviewbot", key=key) as ssh:      # 127.0.0.1, random port
        ssh.write_known_hosts(tmp_path / ".ssh" / "known_hosts")
        g = gerritlib.gerrit.Gerrit(ssh.host, "reviewbot", port=ssh.port, keyfile=str(key_file))
        g.startWatching(connection_attempts=3, retry_delay=0.05)
        ssh.wait_for_streams(1)                                 # events sent before this are lost
        ssh.emit(patchset_created("acme/widgets", 1234, 1, "ab" * 20))
        g.getEvent()

Behaviour, as on a real Gerrit:

- Public-key authentication only, for the users and keys given to the constructor or :meth:`authorize`.
- ``gerrit stream-events [-s TYPE ...]`` keeps the channel open and writes each emitted event as one line of
  compact JSON terminated by ``\\n``. Delivery is per connection: an event reaches only the streams open at
  the moment :meth:`emit` is called. Events emitted while nobody is connected are lost (Gerrit has no
  replay; they are counted in :attr:`lost_events`). A consumer that reconnects must catch up through REST.
- ``gerrit version`` prints ``gerrit version <version>\\n`` and exits 0; any other command prints
  ``fatal: ...: not found`` on stderr and exits 1.
- :meth:`drop_connections` closes every live SSH connection abruptly (the client sees EOF mid-stream with no
  exit status), to test reconnects. :attr:`connections_total` counts accepted TCP connections.

What gerritlib (0.11) needs, and what surprised us:

- It connects with ``paramiko.SSHClient`` after ``load_system_host_keys()`` (``~/.ssh/known_hosts``, found
  through ``$HOME``) and with ``WarningPolicy``: an unknown host key is accepted with a ``UserWarning``;
  a *mismatching* known_hosts entry makes every attempt fail. Tests point ``$HOME`` at a temporary
  directory holding :meth:`known_hosts_line` (no warning, no interference from the developer's own keys
  and known hosts; also unset ``SSH_AUTH_SOCK`` so paramiko does not try an agent).
- The watcher's reconnect settings come from ``startWatching(connection_attempts, retry_delay)``, *not* from
  the ``Gerrit(...)`` constructor. With ``connection_attempts=-1`` (the default) its daemon thread can never
  be stopped; give it a small finite number so it dies once the server has stopped.
  The thread ends with an uncaught exception (pytest: ``PytestUnhandledThreadExceptionWarning``), and
  ``getEvent()`` blocks with no timeout (read ``gerrit.event_queue`` with one, or call it in a worker).
- It reads with ``poll()`` on the channel and ``readline()`` on a buffered file: if several events arrive
  in one read, the later ones wait in paramiko's buffer until the *next* event (or EOF) wakes the poll.
  Two back-to-back events can therefore deliver only the first until a third arrives (checked with this
  server; a real Gerrit coalesces writes the same way).
- The command client (``getVersion()``, ``_ssh()``) is cached: after the connection drops, the *next*
  command fails with "SSH session not active" and only the one after reconnects.
- A command channel must not be closed before the server's reply to the exec request has gone out, or
  paramiko's ``exec_command`` raises "Channel closed." This server sends output, exit status and EOF at
  once and closes the channel a little later.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import select
import shlex
import socket
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeAlias

import paramiko
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

DEFAULT_VERSION = "3.10.0"
DEFAULT_WEB_URL = "https://review.example.org"

KeyKind: TypeAlias = Literal["ed25519", "rsa", "ecdsa"]
ProjectStyle: TypeAlias = Literal["string", "object", "omit"]
AccountLike: TypeAlias = "str | Mapping[str, Any] | None"

_ONE_SHOT_GRACE = 0.2  # seconds a finished command channel stays open before the server closes it
_SEND_TIMEOUT = 5.0


# ----------------------------------------------------------------------------------------------------------------
# Keys


def generate_key(
    path: str | os.PathLike[str] | None = None, kind: KeyKind = "ed25519"
) -> tuple[paramiko.PKey, Path | None]:
    """A new private key (``ed25519``, ``rsa`` 2048 or ``ecdsa`` P-256), written to ``path`` (mode 0600) if given.

    paramiko cannot generate Ed25519 keys itself: those are made with ``cryptography`` and loaded back.
    Returns the paramiko key and the file it was written to.
    """
    key: paramiko.PKey
    pem: str | None = None
    if kind == "ed25519":
        private = ed25519.Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
        ).decode()
        key = paramiko.Ed25519Key(file_obj=io.StringIO(pem))
    elif kind == "rsa":
        key = paramiko.RSAKey.generate(2048)
    elif kind == "ecdsa":
        key = paramiko.ECDSAKey.generate()
    else:  # pragma: no cover - guarded by the type
        raise ValueError(f"unknown key kind {kind!r}")
    if path is None:
        return key, None
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if pem is not None:
        target.write_text(pem)
    else:
        key.write_private_key_file(str(target))
    target.chmod(0o600)
    target.with_name(target.name + ".pub").write_text(public_key_line(key) + "\n")
    return key, target


def public_key_line(key: paramiko.PKey, comment: str = "") -> str:
    """``"<type> <base64>[ comment]"``, as in an ``authorized_keys`` or ``.pub`` file."""
    line = f"{key.get_name()} {key.get_base64()}"
    return f"{line} {comment}" if comment else line


def _key_blob(key: paramiko.PKey | str) -> bytes:
    if isinstance(key, paramiko.PKey):
        return key.asbytes()
    parts = key.split()
    if len(parts) < 2:
        raise ValueError("expected an OpenSSH public key line: '<type> <base64> [comment]'")
    return paramiko.PKey.from_type_string(parts[0], base64.b64decode(parts[1])).asbytes()


# ----------------------------------------------------------------------------------------------------------------
# Server


@dataclass
class SSHCommand:
    """One exec request the server received."""

    connection: int
    user: str
    command: str
    exit_status: int | None = None


@dataclass
class _Connection:
    id: int
    transport: paramiko.Transport
    address: tuple[str, int]
    user: str | None = None


@dataclass
class _Stream:
    connection: _Connection
    channel: paramiko.Channel
    subscribe: frozenset[str] | None
    delivered: int = 0

    def alive(self) -> bool:
        return not self.channel.closed and self.connection.transport.is_active()


class _ServerInterface(paramiko.ServerInterface):
    def __init__(self, fake: FakeGerritSSH, connection: _Connection) -> None:
        self.fake = fake
        self.connection = connection

    def get_allowed_auths(self, username: str) -> str:
        return "publickey"

    def check_auth_none(self, username: str) -> int:
        return paramiko.AUTH_FAILED

    def check_auth_password(self, username: str, password: str) -> int:
        return paramiko.AUTH_FAILED

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        if self.fake._is_authorized(username, key):
            self.connection.user = username
            return paramiko.AUTH_SUCCESSFUL
        with self.fake._lock:
            self.fake.auth_failures += 1
        return paramiko.AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        if kind == "session":
            return paramiko.OPEN_SUCCEEDED
        return paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_pty_request(self, *args: Any) -> bool:
        return True

    def check_channel_shell_request(self, channel: paramiko.Channel) -> bool:
        return False  # Gerrit has no interactive shell

    def check_channel_env_request(self, channel: paramiko.Channel, name: bytes, value: bytes) -> bool:
        return True

    def check_channel_exec_request(self, channel: paramiko.Channel, command: bytes) -> bool:
        text = command.decode("utf-8", "replace") if isinstance(command, bytes) else str(command)
        self.fake._exec(self.connection, channel, text)
        return True


class FakeGerritSSH:
    """A Gerrit SSH daemon on 127.0.0.1 (random port) serving ``gerrit stream-events`` and ``gerrit version``.

    Thread-based: :meth:`start` returns once the socket listens, :meth:`stop` closes every connection and joins
    every thread it started. Also usable as a context manager.
    """

    def __init__(
        self,
        user: str | None = None,
        key: paramiko.PKey | str | None = None,
        *,
        host_key: paramiko.PKey | None = None,
        version: str = DEFAULT_VERSION,
        stream_events_users: Iterable[str] | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        self.host = host
        self.port = 0
        self.version = version
        self.host_key: paramiko.PKey = host_key if host_key is not None else generate_key(kind="ed25519")[0]
        self._lock = threading.RLock()
        self._authorized: dict[str, set[bytes]] = {}
        if user is not None and key is not None:
            self.authorize(user, key)
        elif user is not None or key is not None:
            raise ValueError("give both user and key (or neither, and call authorize())")
        self._stream_users = None if stream_events_users is None else set(stream_events_users)
        self._changed = threading.Condition(self._lock)
        self._send_lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._connections: list[_Connection] = []
        self._all_transports: list[paramiko.Transport] = []
        self._streams: list[_Stream] = []
        self._workers: list[threading.Thread] = []
        self._next_connection = 0
        self.connections_total = 0
        self.streams_total = 0
        self.auth_failures = 0
        self.lost_events = 0
        self.commands: list[SSHCommand] = []
        self.emitted: list[dict[str, Any] | str] = []

    # -- configuration ------------------------------------------------------------------------------------------
    def authorize(self, user: str, key: paramiko.PKey | str) -> None:
        """Accept ``key`` (a paramiko key or an OpenSSH public key line) for ``user``."""
        with self._lock:
            self._authorized.setdefault(user, set()).add(_key_blob(key))

    def revoke(self, user: str) -> None:
        with self._lock:
            self._authorized.pop(user, None)

    def _is_authorized(self, user: str, key: paramiko.PKey) -> bool:
        with self._lock:
            return key.asbytes() in self._authorized.get(user, set())

    def known_hosts_line(self) -> str:
        """The ``known_hosts`` entry for this server (``[host]:port keytype base64``)."""
        if not self.port:
            raise RuntimeError("start the server first: the entry names its port")
        return f"[{self.host}]:{self.port} {public_key_line(self.host_key)}"

    def write_known_hosts(self, path: str | os.PathLike[str]) -> Path:
        """Append :meth:`known_hosts_line` to ``path`` (creating it); point ``$HOME`` so that gerritlib reads it."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a") as fh:
            fh.write(self.known_hosts_line() + "\n")
        return target

    # -- lifecycle ----------------------------------------------------------------------------------------------
    def start(self) -> int:
        """Listen on ``host`` (random port) and serve from background threads; returns the port."""
        if self._listener is not None:
            raise RuntimeError("FakeGerritSSH is already running")
        self._stopping.clear()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, 0))
        listener.listen(16)
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._accept_thread = threading.Thread(target=self._accept_loop, name="FakeGerritSSH-accept", daemon=True)
        self._accept_thread.start()
        return self.port

    def stop(self) -> None:
        """Close the listener and every connection; join all threads this server started."""
        self._stopping.set()
        listener, self._listener = self._listener, None
        if self._accept_thread is not None:
            self._accept_thread.join(timeout=5)
            self._accept_thread = None
        if listener is not None:
            listener.close()
        self.drop_connections()
        with self._lock:
            transports = list(self._all_transports)
            workers = list(self._workers)
        for transport in transports:
            with contextlib.suppress(Exception):
                transport.close()
        for transport in transports:
            if transport.ident is not None:
                transport.join(timeout=5)
        for worker in workers:
            worker.join(timeout=5)
        with self._lock:
            self._all_transports = [t for t in self._all_transports if t.is_alive()]
            self._workers = [w for w in self._workers if w.is_alive()]

    def live_threads(self) -> list[threading.Thread]:
        """Threads this server started that are still running (empty after :meth:`stop`)."""
        with self._lock:
            threads: list[threading.Thread] = [*self._all_transports, *self._workers]
        if self._accept_thread is not None:
            threads.append(self._accept_thread)
        return [t for t in threads if t.is_alive()]

    def __enter__(self) -> FakeGerritSSH:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port

    def _accept_loop(self) -> None:
        listener = self._listener
        assert listener is not None
        while not self._stopping.is_set():
            try:
                ready, _, _ = select.select([listener], [], [], 0.05)
            except (OSError, ValueError):
                return
            if not ready:
                continue
            try:
                sock, address = listener.accept()
            except OSError:
                return
            self._serve(sock, address)

    def _serve(self, sock: socket.socket, address: tuple[str, int]) -> None:
        transport = paramiko.Transport(sock)
        transport.add_server_key(self.host_key)
        with self._lock:
            self._next_connection += 1
            connection = _Connection(self._next_connection, transport, address)
            self._connections.append(connection)
            self._all_transports.append(transport)
            self.connections_total += 1
            self._changed.notify_all()
        try:
            # With an event, start_server returns at once; negotiation runs in the transport's own thread.
            transport.start_server(event=threading.Event(), server=_ServerInterface(self, connection))
        except (paramiko.SSHException, OSError):
            transport.close()

    # -- connections and streams ----------------------------------------------------------------------------------
    def _prune(self) -> None:
        self._connections = [c for c in self._connections if c.transport.is_active()]
        self._streams = [s for s in self._streams if s.alive()]

    @property
    def active_connections(self) -> int:
        with self._lock:
            self._prune()
            return len(self._connections)

    @property
    def active_streams(self) -> int:
        with self._lock:
            self._prune()
            return len(self._streams)

    def wait_for_streams(self, count: int = 1, timeout: float = 5.0) -> None:
        """Block until at least ``count`` ``stream-events`` sessions are open (events before that are lost)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                self._prune()
                if len(self._streams) >= count:
                    return
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{len(self._streams)} stream-events session(s) open, wanted {count}")
                self._changed.wait(min(remaining, 0.05))

    def wait_for_connections(self, total: int, timeout: float = 5.0) -> None:
        """Block until :attr:`connections_total` reaches ``total`` (e.g. a client reconnected)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.connections_total < total:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{self.connections_total} connection(s) so far, wanted {total}")
                self._changed.wait(min(remaining, 0.05))

    def drop_connections(self) -> int:
        """Kill every live SSH connection mid-stream (no exit status, just EOF); returns how many were dropped."""
        with self._lock:
            connections, self._connections = self._connections, []
            self._streams = []
        dropped = 0
        for connection in connections:
            if connection.transport.is_active():
                dropped += 1
            with contextlib.suppress(Exception):
                connection.transport.close()
        with self._changed:
            self._changed.notify_all()
        return dropped

    # -- events ---------------------------------------------------------------------------------------------------
    def emit(self, event: Mapping[str, Any] | str) -> int:
        """Write one event (a dict, serialised as compact JSON, or a raw line) to every open stream.

        Returns the number of streams that received it; 0 means the event was lost, as on a real Gerrit.
        """
        if isinstance(event, str):
            line = event if event.endswith("\n") else event + "\n"
            record: dict[str, Any] | str = event
            event_type = None
        else:
            record = dict(event)
            line = json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n"
            event_type = record.get("type")
        data = line.encode("utf-8")
        with self._lock:
            self.emitted.append(record)
            self._prune()
            targets = [
                s for s in self._streams if s.subscribe is None or event_type is None or event_type in s.subscribe
            ]
        delivered = 0
        with self._send_lock:  # one writer at a time keeps lines whole and in order on every stream
            for stream in targets:
                try:
                    stream.channel.sendall(data)
                except (OSError, EOFError, paramiko.SSHException):
                    continue
                stream.delivered += 1
                delivered += 1
        if delivered == 0:
            with self._lock:
                self.lost_events += 1
        return delivered

    # -- commands -------------------------------------------------------------------------------------------------
    def _exec(self, connection: _Connection, channel: paramiko.Channel, command: str) -> None:
        """Runs in the transport thread: must not block."""
        user = connection.user or ""
        record = SSHCommand(connection.id, user, command)
        with self._lock:
            self.commands.append(record)
        try:
            argv = shlex.split(command)
        except ValueError:
            argv = command.split()
        if argv[:2] == ["gerrit", "stream-events"]:
            error, subscribe = self._parse_stream_options(argv[2:])
            if error is None and self._stream_users is not None and user not in self._stream_users:
                error = f'fatal: {user} does not have "Stream Events" capability.\n'
            if error is None:
                channel.settimeout(_SEND_TIMEOUT)
                with self._changed:
                    self._streams.append(_Stream(connection, channel, subscribe))
                    self.streams_total += 1
                    self._changed.notify_all()
                return
            self._one_shot(record, channel, b"", error.encode(), 1)
        elif argv[:2] == ["gerrit", "version"]:
            self._one_shot(record, channel, f"gerrit version {self.version}\n".encode(), b"", 0)
        elif len(argv) >= 2 and argv[0] == "gerrit":
            self._one_shot(record, channel, b"", f"fatal: gerrit: {argv[1]}: not found\n".encode(), 1)
        elif argv:
            self._one_shot(record, channel, b"", f"fatal: {argv[0]}: not found\n".encode(), 1)
        else:
            self._one_shot(record, channel, b"", b"fatal: no command given\n", 1)

    @staticmethod
    def _parse_stream_options(args: Sequence[str]) -> tuple[str | None, frozenset[str] | None]:
        subscribe: set[str] = set()
        i = 0
        while i < len(args):
            arg = args[i]
            if arg in ("-s", "--subscribe"):
                if i + 1 >= len(args):
                    return f'fatal: Option "{arg}" takes an operand\n', None
                subscribe.add(args[i + 1])
                i += 2
            elif arg.startswith("--subscribe="):
                subscribe.add(arg.split("=", 1)[1])
                i += 1
            else:
                return f'fatal: "{arg}" is not a valid option\n', None
        return None, (frozenset(subscribe) if subscribe else None)

    def _one_shot(self, record: SSHCommand, channel: paramiko.Channel, out: bytes, err: bytes, status: int) -> None:
        record.exit_status = status

        def run() -> None:
            try:
                if out:
                    channel.sendall(out)
                if err:
                    channel.sendall_stderr(err)
                channel.send_exit_status(status)
                channel.shutdown_write()
                # Closing right away could overtake the exec reply the transport thread is about to send.
                self._stopping.wait(_ONE_SHOT_GRACE)
            except (OSError, EOFError, paramiko.SSHException):
                pass
            finally:
                with contextlib.suppress(Exception):
                    channel.close()

        worker = threading.Thread(target=run, name="FakeGerritSSH-exec", daemon=True)
        with self._lock:
            self._workers = [w for w in self._workers if w.is_alive()]
            self._workers.append(worker)
        worker.start()


@contextlib.contextmanager
def serve(user: str, key: paramiko.PKey | str, **kwargs: Any) -> Iterator[FakeGerritSSH]:
    """``with serve("reviewbot", key) as ssh: ...`` — start and stop a :class:`FakeGerritSSH`."""
    server = FakeGerritSSH(user, key, **kwargs)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# ----------------------------------------------------------------------------------------------------------------
# stream-events JSON (Documentation/json.txt and cmd-stream-events.txt)


def change_id_for(project: str, number: int) -> str:
    """A stable Change-Id (``I`` + 40 hex digits) for a project and change number."""
    return "I" + hashlib.sha1(f"{project}~{number}".encode()).hexdigest()


def patchset_ref(number: int, patch_set: int) -> str:
    """``refs/changes/<last two digits>/<change>/<patch set>``."""
    return f"refs/changes/{number % 100:02d}/{number}/{patch_set}"


def account_attr(who: AccountLike, default: str = "alice") -> dict[str, Any]:
    """An account attribute ``{name, email, username}`` from a username (or a dict, copied as is)."""
    if isinstance(who, Mapping):
        return dict(who)
    username = who or default
    return {"name": username.replace(".", " ").title(), "email": f"{username}@example.com", "username": username}


def _stringify(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return {k: _stringify(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify(v) for v in value]
    return value


def _event(
    event_type: str,
    project: str,
    number: int,
    patch_set: int | None,
    revision: str | None,
    *,
    branch: str,
    subject: str | None,
    owner: AccountLike,
    status: str,
    url: str | None,
    change_id: str | None,
    topic: str | None,
    commit_message: str | None,
    kind: str,
    uploader: AccountLike,
    author: AccountLike,
    parents: Sequence[str] | None,
    size_insertions: int,
    size_deletions: int,
    created_on: int | None,
    event_created_on: int | None,
    numbers_as_strings: bool,
    project_style: ProjectStyle,
    extra: Mapping[str, Any],
) -> dict[str, Any]:
    now = int(time.time())
    cid = change_id or change_id_for(project, number)
    title = subject or f"Change {number}"
    change: dict[str, Any] = {
        "project": project,
        "branch": branch,
        "id": cid,
        "number": number,
        "subject": title,
        "owner": account_attr(owner),
        "url": url or f"{DEFAULT_WEB_URL}/c/{project}/+/{number}",
        "commitMessage": commit_message or f"{title}\n\nChange-Id: {cid}\n",
        "createdOn": created_on if created_on is not None else now,
        "status": status,
    }
    if topic:
        change["topic"] = topic
    event: dict[str, Any] = {"type": event_type, "change": change}
    if patch_set is not None:
        event["patchSet"] = {
            "number": patch_set,
            "revision": revision or hashlib.sha1(f"{project}~{number}~{patch_set}".encode()).hexdigest(),
            "parents": list(parents) if parents is not None else [hashlib.sha1(f"{project}~base".encode()).hexdigest()],
            "ref": patchset_ref(number, patch_set),
            "uploader": account_attr(uploader, default=change["owner"].get("username", "alice")),
            "createdOn": created_on if created_on is not None else now,
            "author": account_attr(author if author is not None else uploader, default="alice"),
            "kind": kind,
            "sizeInsertions": size_insertions,
            "sizeDeletions": -abs(size_deletions),
        }
    event.update(extra)
    if project_style == "string":
        event["project"] = project
    elif project_style == "object":
        event["project"] = {"name": project}
    event["refName"] = f"refs/heads/{branch}"
    event["changeKey"] = {"key": cid}
    event["eventCreatedOn"] = event_created_on if event_created_on is not None else now
    return _stringify(event) if numbers_as_strings else event


def _common(kwargs: dict[str, Any]) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "branch": "master",
        "subject": None,
        "owner": None,
        "status": "NEW",
        "url": None,
        "change_id": None,
        "topic": None,
        "commit_message": None,
        "kind": "REWORK",
        "uploader": None,
        "author": None,
        "parents": None,
        "size_insertions": 0,
        "size_deletions": 0,
        "created_on": None,
        "event_created_on": None,
        "numbers_as_strings": False,
        "project_style": "string",
    }
    unknown = set(kwargs) - set(defaults)
    if unknown:
        raise TypeError(f"unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    defaults.update(kwargs)
    return defaults


def patchset_created(
    project: str,
    number: int,
    patch_set: int,
    revision: str,
    *,
    kind: str = "REWORK",
    uploader: AccountLike = None,
    **options: Any,
) -> dict[str, Any]:
    """A ``patchset-created`` event.

    Options shared by all factories: ``branch``, ``subject``, ``owner``, ``status``, ``url``, ``change_id``,
    ``topic``, ``commit_message``, ``author``, ``parents``, ``size_insertions``, ``size_deletions``,
    ``created_on`` / ``event_created_on`` (epoch seconds), and the old-server quirks ``numbers_as_strings``
    (every number sent as a string) and ``project_style`` (top-level ``project`` as ``"string"``, as an
    ``"object"`` ``{"name": ...}``, or ``"omit"``-ted).
    """
    opts = _common({**options, "kind": kind, "uploader": uploader})
    who = account_attr(uploader, default=account_attr(opts["owner"])["username"])
    opts["uploader"] = who
    return _event("patchset-created", project, number, patch_set, revision, extra={"uploader": who}, **opts)


def comment_added(
    project: str,
    number: int,
    patch_set: int,
    revision: str | None = None,
    *,
    comment: str | None = None,
    author: AccountLike = None,
    approvals: Mapping[str, int] | Sequence[Mapping[str, Any]] | None = None,
    old_approvals: Mapping[str, int] | None = None,
    **options: Any,
) -> dict[str, Any]:
    """A ``comment-added`` event; ``comment`` is the cover message (``"Patch Set 3:\\n\\nrecheck"``).

    Inline comments are never part of the event. ``approvals`` maps labels to values (sent as strings, with
    ``oldValue`` from ``old_approvals`` when given) or is a ready list of approval attributes.
    """
    opts = _common(options)
    who = account_attr(author, default="alice")
    text = comment if comment is not None else f"Patch Set {patch_set}:\n\nrecheck"
    extra: dict[str, Any] = {"author": who}
    if approvals is not None:
        if isinstance(approvals, Mapping):
            items: list[dict[str, Any]] = []
            for label, value in approvals.items():
                item: dict[str, Any] = {"type": label, "description": label, "value": str(value)}
                if old_approvals is not None and label in old_approvals:
                    item["oldValue"] = str(old_approvals[label])
                items.append(item)
            extra["approvals"] = items
        else:
            extra["approvals"] = [dict(a) for a in approvals]
    extra["comment"] = text
    return _event("comment-added", project, number, patch_set, revision, extra=extra, **opts)


def change_abandoned(
    project: str,
    number: int,
    patch_set: int,
    revision: str | None = None,
    *,
    abandoner: AccountLike = None,
    reason: str = "",
    **options: Any,
) -> dict[str, Any]:
    """A ``change-abandoned`` event (the change's ``status`` is ``ABANDONED``)."""
    opts = _common({"status": "ABANDONED", **options})
    extra = {"abandoner": account_attr(abandoner, default="alice"), "reason": reason}
    return _event("change-abandoned", project, number, patch_set, revision, extra=extra, **opts)


def change_merged(
    project: str,
    number: int,
    patch_set: int,
    revision: str | None = None,
    *,
    submitter: AccountLike = None,
    new_rev: str | None = None,
    **options: Any,
) -> dict[str, Any]:
    """A ``change-merged`` event (the change's ``status`` is ``MERGED``)."""
    opts = _common({"status": "MERGED", **options})
    extra: dict[str, Any] = {"submitter": account_attr(submitter, default="alice")}
    event = _event("change-merged", project, number, patch_set, revision, extra=extra, **opts)
    rev = event.get("patchSet", {}).get("revision")
    event["newRev"] = new_rev or rev
    return event
