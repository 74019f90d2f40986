"""reviewbot: Semgrep rules for six defect classes on changed lines, posted as review comments."""

__version__ = "0.1.0"
