"""Gerrit REST client on aiohttp: `/a/` + basic auth, `)]}'` stripped, retries, 404 grace."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.config import GerritSettings
from bot.platforms.base import PlatformError
from bot.queue import TransientError

log = logging.getLogger(__name__)
XSSI = b")]}'"


def change_id(project: str, number: int) -> str:
    return f"{quote(project, safe='')}~{number}"


def enc(path: str) -> str:
    return quote(path, safe="")


class NotFound(PlatformError):
    pass


class GerritClient:
    def __init__(self, settings: GerritSettings, session: aiohttp.ClientSession | None = None) -> None:
        if not settings.url:
            raise PlatformError("gerrit.url is not configured")
        self.settings = settings
        self.base = settings.url.rstrip("/") + "/a/"
        self._session = session
        self._own_session = session is None
        pw = settings.http_password.get_secret_value() if settings.http_password else ""
        self._headers = {"Authorization": aiohttp.encode_basic_auth(settings.username, pw)} if settings.username else {}

    async def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            timeout = aiohttp.ClientTimeout(total=self.settings.request_timeout_s)
            self._session = aiohttp.ClientSession(timeout=timeout, headers=self._headers)
        return self._session

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: Any = None,
        retry_not_found: bool = False,
        raw: bool = False,
    ) -> Any:
        """JSON (or raw bytes) of `/a/<path>`.  GETs are retried on 5xx/timeouts; writes are not
        (the job retries them after its idempotency check).  404 right after an event is retried
        a few times (Gerrit is briefly inconsistent)."""
        url = self.base + path
        attempts = 3 if method == "GET" else 1
        not_found_left = self.settings.not_found_retries if retry_not_found else 0
        delay = 0.5
        while True:
            session = await self.session()
            try:
                async with session.request(method, url, params=params, json=body) as resp:
                    data = await resp.read()
                    status = resp.status
                    retry_after = resp.headers.get("Retry-After")
            except (TimeoutError, aiohttp.ClientError) as exc:
                attempts -= 1
                if attempts <= 0:
                    raise TransientError(f"Gerrit unreachable: {type(exc).__name__}") from exc
                await asyncio.sleep(delay)
                delay *= 2
                continue
            if status < 300:
                if raw:
                    return data
                return json.loads(data[len(XSSI) :] if data.startswith(XSSI) else data) if data.strip() else None
            text = data.decode("utf-8", "replace").strip()[:300]
            if status >= 500 or status == 429:
                attempts -= 1
                if attempts <= 0:
                    ra = float(retry_after) if retry_after and retry_after.isdigit() else None
                    raise TransientError(f"Gerrit {status} on {method} {path}: {text}", ra)
                await asyncio.sleep(delay)
                delay *= 2
                continue
            if status == 404 and not_found_left > 0:
                not_found_left -= 1
                await asyncio.sleep(self.settings.not_found_delay_s)
                continue
            if status == 404:
                raise NotFound(f"Gerrit 404 on {path}: {text}")
            if status == 401:
                raise PlatformError("Gerrit refused our credentials (401): check gerrit.username/http_password")
            raise PlatformError(f"Gerrit {status} on {method} {path}: {text}")

    async def get(self, path: str, **kw: Any) -> Any:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, body: Any) -> Any:
        return await self.request("POST", path, body=body)

    async def content(self, cid: str, rev: str, path: str) -> bytes:
        data = await self.request(
            "GET", f"changes/{cid}/revisions/{rev}/files/{enc(path)}/content", raw=True, retry_not_found=True
        )
        return base64.b64decode(data)

    async def patch(self, cid: str, rev: str) -> bytes:
        data = await self.request("GET", f"changes/{cid}/revisions/{rev}/patch", raw=True, retry_not_found=True)
        return base64.b64decode(data)
