"""Platform adapters: each turns its events into jobs and posts reviews (DESIGN.md §1)."""
