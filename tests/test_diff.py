from __future__ import annotations

import pytest

from bot.diff import DiffError, UnsafePathError, parse_diff, safe_relpath
from bot.models import FileStatus

MULTI = """\
diff --git a/pkg/mod.py b/pkg/mod.py
index 1111111..2222222 100644
--- a/pkg/mod.py
+++ b/pkg/mod.py
@@ -1,4 +1,5 @@
 import os
+import sys
 
 def a():
     pass
@@ -20,3 +21,4 @@ def b():
     x = 1
-    y = 2
+    y = 3
+    z = 4
     return x
"""


def by_path(text: str) -> dict:
    return {f.path: f for f in parse_diff(text)}


def test_multiple_hunks_added_lines_and_spans() -> None:
    f = by_path(MULTI)["pkg/mod.py"]
    assert f.status is FileStatus.MODIFIED
    assert sorted(f.added) == [2, 22, 23]
    assert f.hunks == [(1, 5), (21, 24)]
    assert f.hunk_of(3) == (1, 5) and f.hunk_of(10) is None


def test_rename_with_edit_and_pure_rename() -> None:
    text = """\
diff --git a/old/name.py b/new/name.py
similarity index 88%
rename from old/name.py
rename to new/name.py
index 1..2 100644
--- a/old/name.py
+++ b/new/name.py
@@ -3,2 +3,3 @@
 a
+b
 c
diff --git a/q.py b/r.py
similarity index 100%
rename from q.py
rename to r.py
"""
    files = by_path(text)
    moved = files["new/name.py"]
    assert moved.status is FileStatus.RENAMED and moved.old_path == "old/name.py"
    assert sorted(moved.added) == [4]
    pure = files["r.py"]
    assert pure.status is FileStatus.RENAMED and pure.old_path == "q.py" and not pure.added


def test_deleted_and_added_files() -> None:
    text = """\
diff --git a/gone.py b/gone.py
deleted file mode 100644
index 1..0
--- a/gone.py
+++ /dev/null
@@ -1,2 +0,0 @@
-x = 1
-y = 2
diff --git a/new.py b/new.py
new file mode 100644
index 0..1
--- /dev/null
+++ b/new.py
@@ -0,0 +1,2 @@
+x = 1
+y = 2
"""
    files = by_path(text)
    assert files["gone.py"].status is FileStatus.DELETED and not files["gone.py"].added
    assert files["new.py"].status is FileStatus.ADDED and sorted(files["new.py"].added) == [1, 2]


def test_binary_file_is_marked_skipped() -> None:
    text = """\
diff --git a/logo.png b/logo.png
index 1..2 100644
Binary files a/logo.png and b/logo.png differ
"""
    f = by_path(text)["logo.png"]
    assert f.status is FileStatus.BINARY and f.skipped == "binary file" and not f.added


def test_no_newline_marker_is_not_a_line() -> None:
    text = """\
--- a/m.py
+++ b/m.py
@@ -1,2 +1,2 @@
 a = 1
-b = 2
\\ No newline at end of file
+b = 3
\\ No newline at end of file
"""
    f = by_path(text)["m.py"]
    assert sorted(f.added) == [2] and f.hunks == [(1, 2)]


def test_crlf_diff_gives_clean_paths() -> None:
    text = MULTI.replace("\n", "\r\n")
    f = by_path(text)["pkg/mod.py"]
    assert sorted(f.added) == [2, 22, 23]


def test_git_quoted_path_with_non_ascii_name() -> None:
    text = """\
diff --git "a/sp\\303\\251cial name.py" "b/sp\\303\\251cial name.py"
index 1..2 100644
--- "a/sp\\303\\251cial name.py"
+++ "b/sp\\303\\251cial name.py"
@@ -1 +1 @@
-a
+b
"""
    assert list(by_path(text)) == ["spécial name.py"]


def test_empty_diff() -> None:
    assert parse_diff("") == []
    assert parse_diff(b"\n  \n") == []


def test_malformed_diff_raises_clear_error() -> None:
    with pytest.raises(DiffError):
        parse_diff("--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n-a\n")


@pytest.mark.parametrize("bad", ["/etc/passwd", "../x.py", "a/../../x.py", "C:/x.py", "", "a\x00b"])
def test_unsafe_paths_refused(bad: str) -> None:
    with pytest.raises(UnsafePathError):
        safe_relpath(bad)


def test_unsafe_paths_in_diff_are_kept_but_marked() -> None:
    text = "--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-a\n+b\n--- a/../x.py\n+++ b/../x.py\n@@ -1 +1 @@\n-a\n+b\n"
    files = parse_diff(text)
    assert len(files) == 2
    assert all(f.skipped and ("absolute" in f.skipped or "escapes" in f.skipped) for f in files)


def test_safe_relpath_normalises() -> None:
    assert safe_relpath("./a//b/./c.py") == "a/b/c.py"
    assert safe_relpath("a\\b.py") == "a/b.py"
