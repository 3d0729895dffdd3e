"""Service-center queue: tickets, counters calling numbers, intervals (gh-7; domain.md §10)."""
