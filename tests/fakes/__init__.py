"""Test doubles for the platforms the bot talks to."""

from tests.fakes.github import FakeGitHub, FileChange, fake_sha, git_blob_sha

__all__ = ["FakeGitHub", "FileChange", "fake_sha", "git_blob_sha"]
