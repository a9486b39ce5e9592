"""Figures of the registry (/statistiques/ and /api/v1/statistics/): the census's tables
computed from the visible records, each number linked to the /cooperations/ selection it
counts. See docs/statistics.md."""
