"""HTTP surface: webhooks, health, metrics, run listing (DESIGN.md §9)."""
