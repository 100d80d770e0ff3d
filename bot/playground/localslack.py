"""A local Slack: a real HTTP server on 127.0.0.1 that plays Slack's Web API and records every call.

The test suite, the shell and the benchmarks point SLACK_API_URL at it. It keeps a small user
directory, the messages the app posted (with threads), the views it opened, and can be told to
answer with errors, 429s or 5xx to prove the app copes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Person:
    id: str
    name: str
    real_name: str
    email: str
    deleted: bool = False
    is_bot: bool = False


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    user: str | None = None
    ephemeral: bool = False
    metadata: dict[str, Any] | None = None


@dataclass
class Fault:
    method: str
    status: int
    error: str
    retry_after: int
    times: int
    after: int = 0
    when: str = "before"  # "before": refused; "taken": done, then `status`; "dropped": done, no answer


FAULT_KINDS = (("before", 500), ("taken", 500), ("dropped", 0), ("before", 429))


DEFAULT_PEOPLE = (
    Person("U0ALICE01", "alice", "Alice Admin", "alice@example.com"),
    Person("U0BOB0002", "bob", "Bob Builder", "bob@example.com"),
    Person("U0CAROL03", "carol", "Carol Security", "carol@example.com"),
    Person("U0DAVE004", "dave", "Dave Approver", "dave@example.com"),
    Person("U0ERIN005", "erin", "Erin Approver", "erin@example.com"),
    Person("U0FRANK06", "frank", "Frank Finance", "frank@example.com"),
)


def _parse_body(content_type: str, raw: bytes) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        loaded = json.loads(raw)
        return loaded if isinstance(loaded, dict) else {"payload": loaded}
    args: dict[str, Any] = dict(parse_qsl(raw.decode(), keep_blank_values=True))
    for key in ("blocks", "view", "attachments", "files", "metadata"):
        if isinstance(args.get(key), str):
            with contextlib.suppress(ValueError):
                args[key] = json.loads(args[key])
    return args


def _page(found: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
    """conversations.history/replies: only messages after `oldest`, at most `limit` of them."""
    oldest = float(args.get("oldest") or 0)
    found = [m for m in found if float(m["ts"]) > oldest]
    limit = int(args.get("limit") or 0) or len(found)
    return {"ok": True, "messages": found[:limit], "has_more": len(found) > limit}


class LocalSlack:
    """The stand-in. Start it, point the app at `api_url`, then read `calls` and `messages`."""

    def __init__(self, people: tuple[Person, ...] = DEFAULT_PEOPLE, *, team_id: str = "T0PATCHBAY") -> None:
        self.team_id = team_id
        self.people = {p.id: dataclasses.replace(p) for p in people}  # a test may change its own copy
        self.usergroups: dict[str, list[str]] = {}
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.last_view_id = ""
        self.home: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, bytes] = {}
        self.upload_names: dict[str, str] = {}  # file id -> the filename it was announced with
        self.rate_limits: dict[str, float] = {}
        self.delays: dict[str, float] = {}
        self.channel_limits: dict[str, float] = {}
        self._last_in_channel: dict[tuple[str, str], float] = {}
        self._faults: list[Fault] = []
        self._flaky: tuple[float, frozenset[str], random.Random] | None = None
        self.injected: list[tuple[str, str, int]] = []  # (method, when, status) of each fault answered
        self._last_us = 0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self.socket_url: Callable[[], str] | None = None  # a Socket Mode endpoint (localsocket.py)

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self, port: int = 0) -> LocalSlack:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, headers, body = stand_in.handle(self.path, self.headers.get("Content-Type", ""), raw)
                if not status:  # the call was done, then the connection dropped before any answer
                    self.close_connection = True
                    self.connection.close()
                    return
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="local-slack", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    def response_url(self, name: str = "r") -> str:
        return f"{self.base_url}/response/{name}-{next(self._ids)}"

    # ---- test controls ---------------------------------------------------------------------
    def fail(
        self,
        method: str,
        *,
        status: int = 200,
        error: str = "",
        retry_after: int = 1,
        times: int = 1,
        after: int = 0,
        when: str = "before",
    ) -> None:
        """Answer `times` calls of `method` with an error (HTTP `status`, or ok=false `error`),
        once `after` further calls have succeeded. `when="taken"` does the call first (Slack took
        it, then answered 5xx); `when="dropped"` does it and drops the connection unanswered."""
        with self._lock:
            self._faults.append(Fault(method, status, error, retry_after, times, after, when))

    def flaky(self, rate: float, *methods: str, seed: int = 0) -> None:
        """Fail `rate` of the calls to `methods` at random (seeded): refused 5xx, taken then 5xx,
        taken then dropped, or 429, in equal parts."""
        self._flaky = (rate, frozenset(methods), random.Random(seed))

    def limit_per_channel(self, method: str, per_second: float) -> None:
        """Answer 429 when `method` posts to one channel faster than `per_second` (Slack's posting pace)."""
        self.channel_limits[method] = per_second

    def slow(self, method: str, seconds: float) -> None:
        """Make every call of `method` take at least `seconds`."""
        self.delays[method] = seconds

    def limit(self, method: str, per_minute: float) -> None:
        """Answer 429 when `method` is called faster than `per_minute`."""
        self.rate_limits[method] = per_minute

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.messages.clear()
            self.views.clear()
            self._faults.clear()

    def thread(self, channel: str, ts: str) -> list[Message]:
        with self._lock:
            return [m for m in self.messages if m.channel == channel and (m.ts == ts or m.thread_ts == ts)]

    def dm_channel(self, user_id: str) -> str:
        return "D" + user_id[1:]

    # ---- the Web API -------------------------------------------------------------------------
    def handle(self, path: str, content_type: str, raw: bytes) -> tuple[int, dict[str, str], bytes]:
        if path.startswith("/upload/"):  # raw file bytes (a PNG, say): never parsed as a form
            self._record("upload", {"_url": path, "size": len(raw)})
            self.uploads[path.rsplit("/", 1)[-1]] = raw
            return 200, {"Content-Type": "text/plain"}, b"OK - " + str(len(raw)).encode()
        args = _parse_body(content_type, raw)
        if path.startswith("/response/"):
            self._record("response_url", {**args, "_url": path})
            self._post_response(args)
            return 200, {"Content-Type": "text/plain"}, b"ok"
        method = path.split("/api/", 1)[-1].split("?")[0]
        self._record(method, args)
        if method in self.delays:
            time.sleep(self.delays[method])
        refusal = self._refusal(method, str(args.get("channel", "")))
        if refusal is not None and refusal[1].get("X-Local-Fault") is None:
            return refusal
        handler = getattr(self, "_api_" + method.replace(".", "_"), None)
        result = handler(args) if handler else {"ok": True}
        if refusal is not None:  # done, and yet the caller hears a 5xx or nothing
            return refusal[0], {"Content-Type": "application/json"}, b'{"ok": false, "error": "fatal_error"}'
        return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(result).encode()

    def _record(self, method: str, args: dict[str, Any]) -> None:
        with self._lock:
            self.calls.append(Call(method, args))

    def _refusal(self, method: str, channel: str = "") -> tuple[int, dict[str, str], bytes] | None:
        with self._lock:
            if self._flaky and method in self._flaky[1] and self._flaky[2].random() < self._flaky[0]:
                when, status = self._flaky[2].choice(FAULT_KINDS)
                self._faults.insert(0, Fault(method, status, "", 1, 1, 0, when))
            for fault in self._faults:
                if fault.method == method and fault.times > 0:
                    if fault.after > 0:
                        fault.after -= 1
                        continue
                    fault.times -= 1
                    self.injected.append((method, fault.when, fault.status))
                    if fault.when != "before":
                        return fault.status, {"X-Local-Fault": fault.when}, b""
                    if fault.error:
                        body = json.dumps({"ok": False, "error": fault.error}).encode()
                        return 200, {"Content-Type": "application/json"}, body
                    headers = {"Content-Type": "application/json"}
                    if fault.status == 429:
                        headers["Retry-After"] = str(fault.retry_after)
                    return fault.status, headers, json.dumps({"ok": False, "error": "ratelimited"}).encode()
            per_second = self.channel_limits.get(method)
            if per_second and channel:
                now, key = time.monotonic(), (method, self._channel(channel))
                last = self._last_in_channel.get(key)
                if last is not None and now - last < 1 / per_second:
                    wait = max(1, int(1 / per_second - (now - last) + 0.999))
                    headers = {"Content-Type": "application/json", "Retry-After": str(wait)}
                    return 429, headers, json.dumps({"ok": False, "error": "ratelimited"}).encode()
                self._last_in_channel[key] = now
            per_minute = self.rate_limits.get(method)
            if per_minute:
                # A token bucket holding a second's worth: short bursts pass, as on Slack.
                now, rate = time.monotonic(), per_minute / 60.0
                capacity = max(1.0, rate)
                tokens, last = self._buckets.get(method, (capacity, now))
                tokens = min(capacity, tokens + (now - last) * rate)
                if tokens < 1:
                    wait = max(1, int((1 - tokens) / rate + 0.999))
                    self._buckets[method] = (tokens, now)
                    headers = {"Content-Type": "application/json", "Retry-After": str(wait)}
                    return 429, headers, json.dumps({"ok": False, "error": "ratelimited"}).encode()
                self._buckets[method] = (tokens - 1, now)
        return None

    def _next_ts(self) -> str:
        """Like Slack's: the wall-clock time in microseconds, unique and increasing."""
        with self._lock:
            self._last_us = max(time.time_ns() // 1000, self._last_us + 1)
            return f"{self._last_us // 1_000_000}.{self._last_us % 1_000_000:06d}"

    def _channel(self, channel: str) -> str:
        return self.dm_channel(channel) if channel[:1] in ("U", "W") else channel

    def _user_payload(self, person: Person) -> dict[str, Any]:
        return {
            "id": person.id,
            "team_id": self.team_id,
            "name": person.name,
            "real_name": person.real_name,
            "deleted": person.deleted,
            "is_bot": person.is_bot,
            "profile": {"email": person.email, "real_name": person.real_name, "display_name": person.name},
        }

    def _api_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://patchbay-local.slack.com/",
            "team": "Local",
            "user": "patchbay",
            "team_id": self.team_id,
            "user_id": "U0PATCHBOT",
            "bot_id": "B0PATCHBOT",
        }

    def _api_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not args.get("text") and not args.get("blocks"):
            return {"ok": False, "error": "no_text"}
        message = Message(
            channel=self._channel(str(args["channel"])),
            ts=self._next_ts(),
            text=str(args.get("text") or ""),
            blocks=list(args.get("blocks") or []),
            thread_ts=args.get("thread_ts") or None,
            metadata=json.loads(args["metadata"])
            if isinstance(args.get("metadata"), str)
            else args.get("metadata"),
        )
        with self._lock:
            self.messages.append(message)
        return {
            "ok": True,
            "channel": message.channel,
            "ts": message.ts,
            "message": {"text": message.text, "ts": message.ts},
        }

    def _listed(self, message: Message, with_metadata: bool) -> dict[str, Any]:
        listed: dict[str, Any] = {"ts": message.ts, "text": message.text, "thread_ts": message.thread_ts}
        if with_metadata and message.metadata:
            listed["metadata"] = message.metadata
        return listed

    def _api_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(str(args.get("channel", "")))
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        with self._lock:
            found = [
                self._listed(m, with_metadata)
                for m in self.messages
                if m.channel == channel and m.thread_ts is None and not m.ephemeral
            ]
        return _page(found[::-1], args)

    def _api_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = self._channel(str(args.get("channel", ""))), str(args.get("ts", ""))
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        with self._lock:
            found = [
                self._listed(m, with_metadata)
                for m in self.messages
                if m.channel == channel and (m.ts == ts or m.thread_ts == ts)
            ]
        return _page(found, args)

    def _api_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        message = Message(
            channel=self._channel(str(args.get("channel", ""))),
            ts=self._next_ts(),
            text=str(args.get("text") or ""),
            blocks=list(args.get("blocks") or []),
            user=args.get("user"),
            ephemeral=True,
        )
        with self._lock:
            self.messages.append(message)
        return {"ok": True, "message_ts": message.ts}

    def _api_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = self._channel(str(args.get("channel", ""))), str(args.get("ts", ""))
        with self._lock:
            for message in self.messages:
                if message.channel == channel and message.ts == ts:
                    message.text = str(args.get("text") or message.text)
                    if "blocks" in args:
                        message.blocks = list(args.get("blocks") or [])
                    return {"ok": True, "channel": channel, "ts": ts}
        return {"ok": False, "error": "message_not_found"}

    def _api_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = str(args.get("message_ts", "")).replace(".", "")
        return {
            "ok": True,
            "permalink": f"https://patchbay-local.slack.com/archives/{args.get('channel')}/p{ts}",
        }

    def _post_response(self, args: dict[str, Any]) -> None:
        message = Message(
            channel="response_url",
            ts=self._next_ts(),
            text=str(args.get("text") or ""),
            blocks=list(args.get("blocks") or []),
            ephemeral=args.get("response_type") != "in_channel",
        )
        with self._lock:
            self.messages.append(message)

    def _store_view(self, view: Any, view_id: str | None = None) -> dict[str, Any]:
        if isinstance(view, str):
            view = json.loads(view)
        view_id = view_id or f"V{next(self._ids):08d}"
        stored = {**view, "id": view_id, "hash": f"h{next(self._ids)}", "state": {"values": {}}}
        with self._lock:
            self.views[view_id] = stored
            if view.get("type") == "modal":
                self.last_view_id = view_id
        return stored

    def _api_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        return {"ok": True, "view": self._store_view(args["view"])}

    def _api_views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        """Like views.open, with the view pushed over named in `previous_view_id`, as Slack does."""
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        view = json.loads(args["view"]) if isinstance(args["view"], str) else args["view"]
        return {"ok": True, "view": self._store_view({**view, "previous_view_id": self.last_view_id})}

    def _api_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = args.get("view_id")
        if not view_id or view_id not in self.views:
            return {"ok": False, "error": "not_found"}
        return {"ok": True, "view": self._store_view(args["view"], view_id)}

    def _api_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = self._store_view(args["view"])
        with self._lock:
            self.home[str(args.get("user_id"))] = view
        return {"ok": True, "view": view}

    def _api_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.socket_url is None:
            return {"ok": False, "error": "not_allowed_token_type"}
        return {"ok": True, "url": self.socket_url()}

    def _api_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users", "")).split(",")
        return {"ok": True, "channel": {"id": self.dm_channel(users[0])}}

    def _api_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        person = self.people.get(str(args.get("user")))
        if person is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": self._user_payload(person)}

    def _api_users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        email = str(args.get("email", "")).lower()
        for person in self.people.values():
            if person.email.lower() == email:
                return {"ok": True, "user": self._user_payload(person)}
        return {"ok": False, "error": "users_not_found"}

    def _api_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "members": [self._user_payload(p) for p in self.people.values()],
            "response_metadata": {"next_cursor": ""},
        }

    def _api_usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        group = self.usergroups.get(str(args.get("usergroup")))
        if group is None:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": group}

    def _api_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._ids):08d}"
        self.upload_names[file_id] = str(args.get("filename") or file_id)
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _api_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files") or []
        if isinstance(files, str):
            files = json.loads(files)
        missing = [f["id"] for f in files if f["id"] not in self.uploads]
        if missing:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}

    def iter_blocks(self) -> Iterator[tuple[str, Any]]:
        """Every view and block list the app sent, for schema checks: (kind, payload)."""
        with self._lock:
            calls = list(self.calls)
        for call in calls:
            if call.method in ("views.open", "views.push", "views.update", "views.publish"):
                view = call.args["view"]
                yield ("view", json.loads(view) if isinstance(view, str) else view)
            elif call.args.get("blocks"):
                yield ("blocks", call.args["blocks"])
