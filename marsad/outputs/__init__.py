"""Outputs stage: what analysts get from a store — DataFrames, exports and plots.

``analysis`` answers questions (timeline, series, quotes, claims, network, search);
``export`` writes files (JSONL, CSV, Parquet, GraphML); ``plots`` draws charts.
"""

from marsad.outputs.analysis import claims, groups, network, quotes, search, series, timeline

__all__ = ["timeline", "series", "groups", "quotes", "claims", "network", "search"]
