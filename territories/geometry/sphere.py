"""Distances on the sphere, in kilometres, between (longitude, latitude) points in degrees.

The Earth is taken as a sphere of the IUGG mean radius (6,371.0088 km): the great-circle
(haversine) distance then differs from the ellipsoidal one by at most 0.5 %, far below the
arbitrariness of choosing one point to stand for a territory.
"""

import math

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180  # along a meridian: about 111.2 km


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance between two points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_chord = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, half_chord)))


def bounding_box_around(lon: float, lat: float, km: float) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a box holding every point within `km` of (lon, lat):
    a cheap, index-friendly first filter before the exact distance."""
    dlat = km / KM_PER_DEGREE
    south, north = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    # Longitude degrees shrink with latitude: take the widest latitude of the box.
    widest = max(abs(south), abs(north))
    if widest >= 89.0:
        return (-180.0, south, 180.0, north)
    dlon = km / (KM_PER_DEGREE * math.cos(math.radians(widest)))
    west, east = lon - dlon, lon + dlon
    if west < -180.0 or east > 180.0:  # across the antimeridian: keep every longitude
        return (-180.0, south, 180.0, north)
    return (west, south, east, north)
