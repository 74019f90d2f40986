from __future__ import annotations

from pathlib import Path

import pytest

from bot.cache import FindingsCache
from bot.scan import Scanner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never share the findings cache between tests (or with the user's own)."""
    monkeypatch.setenv("REVIEWBOT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def engine_rules() -> Path:
    return FIXTURES / "rules"


@pytest.fixture
def scanner(engine_rules: Path) -> Scanner:
    return Scanner(engine_rules)


@pytest.fixture
def cached_scanner(engine_rules: Path, tmp_path: Path) -> Scanner:
    return Scanner(engine_rules, cache=FindingsCache(tmp_path / "cache"))


@pytest.fixture
async def store(tmp_path: Path):
    """A store on a real SQLite file (the embedded default), tables created."""
    from bot.store import Store

    st = Store(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
    await st.create_all()
    yield st
    await st.close()


@pytest.fixture
async def aiohttp_client():
    """Start an aiohttp app on loopback and return a test client for it."""
    from aiohttp.test_utils import TestClient, TestServer

    clients = []

    async def make(app):
        client = TestClient(TestServer(app))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for c in clients:
        await c.close()
