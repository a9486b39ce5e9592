"""Levels of detail of the stored outlines (`TerritoryGeometry.outline_<level>`): the
simplification tolerance and the decimals kept, in degrees. 0.01° is about 1.1 km of
latitude and 0.002° about 220 m; 3 decimals about 110 m, 4 about 11 m, 5 about 1 m.

Each suits maps where a pixel is about its tolerance: "low" France or a région, "medium"
a département or a métropole with its partners (a frame of 100 to 400 km), "high" a
territory and its surroundings. "high" is not simplified at all: the source is itself a
generalised map (about 30 points a commune), which a 20 m tolerance would shrink by 1 %
only, for a quarter of the import's time. The API serves "low" and "high".
"""

LEVELS = {"low": (0.01, 3), "medium": (0.002, 4), "high": (0, 5)}
API_LEVELS = ("low", "high")
