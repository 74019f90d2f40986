from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_settings
from tests.conftest import ROOT


def test_example_config_loads_and_documents_every_option(monkeypatch) -> None:
    for k in list(__import__("os").environ):
        if k.startswith("REVIEWBOT_"):
            monkeypatch.delenv(k)
    example = ROOT / "config" / "reviewbot.example.toml"
    s = load_settings(example)
    assert s.review.max_comments == 25 and s.server.port == 8080
    # the example shows the defaults as they are
    from bot.paths import DEFAULT_EXCLUDES

    assert s.review.exclude_paths == list(DEFAULT_EXCLUDES)
    text = example.read_text()
    for section, model in s:
        for key in type(model).model_fields:
            assert f"{key} =" in text or f"# {key} =" in text, f"{section}.{key} is not documented"


def test_environment_overrides_file(tmp_path: Path, monkeypatch) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[review]\nmax_comments = 3\nfilter_mode = "file"\n[github]\napi_url = "https://ghe.example/api/v3"\n'
    )
    monkeypatch.setenv("REVIEWBOT_REVIEW__MAX_COMMENTS", "7")
    monkeypatch.setenv("REVIEWBOT_GITHUB__WEBHOOK_SECRET", "s3cr3t-value")
    s = load_settings(cfg)
    assert s.review.max_comments == 7 and s.review.filter_mode == "file"
    assert s.github.graphql_url == "https://ghe.example/api/graphql"
    assert "s3cr3t-value" not in repr(s) and "s3cr3t-value" not in str(s.model_dump())


def test_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="config file not found"):
        load_settings(tmp_path / "nope.toml")


def test_app_id_requires_private_key(monkeypatch) -> None:
    monkeypatch.setenv("REVIEWBOT_GITHUB__APP_ID", "12")
    with pytest.raises(ValueError, match="private_key_path"):
        load_settings()
