"""The EUDR GeoJSON rules: the EU's limits, the accepted codes, and what to say of each breach.

One place for the numbers (6 decimals, 25 MB, 1,000 producers, points up to 4 ha) that the
validator checks and the export keeps to, and for every message the validator gives: a rule
code, what is wrong and what to do, as English templates marked for translation.
"""

from __future__ import annotations

from chacra.geo.quality import PERU_BOUNDS

DECIMALS = 6
MAX_FILE_BYTES = 25_000_000  # "25 MB", read the stricter (decimal) way
MAX_PRODUCERS = 1_000
POINT_AREA_HA = (0.0001, 4.0)
GEOMETRY_TYPES = ("Point", "Polygon", "MultiPolygon")
CRS84 = frozenset({"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "OGC:CRS84",
                   "CRS84", "http://www.opengis.net/def/crs/OGC/1.3/CRS84"})  # fmt: skip
EPSG_4326 = frozenset({"EPSG:4326", "urn:ogc:def:crs:EPSG::4326", "urn:ogc:def:crs:EPSG:4326",
                       "http://www.opengis.net/def/crs/EPSG/0/4326"})  # fmt: skip
# ISO 3166-1 alpha-2: the 249 officially assigned codes (as in Debian's iso-codes).
_ISO_CODES = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT
BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH
ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT
HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS
LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI
NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG
SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG
UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""
ISO_COUNTRIES = frozenset(_ISO_CODES.split())
# Padded boxes (min lon, min lat, max lon, max lat) of the countries whose plots chacra's users
# map, to tell a [lat, lon] pair from a [lon, lat] one. Boxes, not borders: they catch swaps.
COUNTRY_BOUNDS: dict[str, tuple[float, float, float, float]] = {
    "PE": PERU_BOUNDS,
    "EC": (-92.1, -5.1, -75.1, 1.7),  # with the Galápagos
    "CO": (-82.0, -4.3, -66.8, 13.6),  # with San Andrés y Providencia
    "BO": (-69.7, -23.0, -57.4, -9.6),
    "BR": (-74.1, -33.8, -28.8, 5.3),
}


def gettext_noop(message: str) -> str:
    """Mark a message for translation without Django; :meth:`Problem.text` translates it."""
    return message


_ = gettext_noop
# message key: (rule, what is wrong, what to do); templates take the problem's params.
MESSAGES: dict[str, tuple[str, str, str]] = {
    "file_size": ("file_size",
        _("the file has %(size)s bytes, more than the %(limit)s the EU system takes"),
        _("Split it into several files (chacra export eudr does this).")),
    "producers": ("producers_per_file",
        _("the file names %(count)s producers, more than the %(limit)s the EU system takes"),
        _("Split it into several files, each producer's plots in one of them.")),
    "not_json": ("not_json", _("this is not UTF-8 JSON: %(error)s"),
        _("Save the file as GeoJSON (UTF-8 JSON).")),
    "not_collection": ("collection", _("the file is a %(kind)s, not a FeatureCollection"),
        _("Give one FeatureCollection whose features are the plots.")),
    "no_features": ("collection", _("the FeatureCollection has no features"),
        _("Add one Feature per plot.")),
    "crs_4326": ("crs",
        _("the crs member names EPSG:4326; RFC 7946 has no crs member and reads every position "
          "as [longitude, latitude]"),
        _("Remove the crs member.")),
    "crs_other": ("crs",
        _("the crs member names another coordinate system than WGS 84 longitude/latitude"),
        _("Reproject the file to EPSG:4326 and remove the crs member.")),
    "not_feature": ("feature", _("this is not a Feature"),
        _("Give each plot as a Feature with a geometry and properties.")),
    "no_properties": ("feature", _("the feature has no properties"),
        _("Give ProducerName, ProducerCountry and ProductionPlace.")),
    "geometry_type": ("geometry_type",
        _("geometry type %(kind)s is not accepted; only Point, Polygon and MultiPolygon are"),
        _("Give the plot as a Polygon (or a Point for 4 ha or less), one plot per feature.")),
    "nesting": ("position", _("the coordinates are not nested as a %(kind)s's are"),
        _("Follow RFC 7946: a Point is [lon, lat], a Polygon a list of rings of positions, a "
          "MultiPolygon a list of Polygons.")),
    "position": ("position", _("a position must be two numbers, [longitude, latitude]"),
        _("Give every position as [lon, lat] in decimal degrees.")),
    "elevation": ("elevation",
        _("positions have a third number (elevation), which the EU system ignores"),
        _("Drop it to keep the file small.")),
    "range_swapped": ("coordinate_range",
        _("longitude must lie in -180..180 and latitude in -90..90"),
        _("This looks like [latitude, longitude]: swap each pair.")),
    "range_projected": ("coordinate_range",
        _("longitude must lie in -180..180 and latitude in -90..90"),
        _("Give longitude/latitude degrees (EPSG:4326), not projected coordinates such as UTM "
          "metres.")),
    "swapped": ("swapped_coordinates",
        _("the coordinates lie outside %(country)s as [lon, lat] and inside it as [lat, lon]"),
        _("Swap each pair: GeoJSON positions are [longitude, latitude].")),
    "outside_country": ("swapped_coordinates",
        _("the coordinates lie outside %(country)s, the ProducerCountry"),
        _("Check the country and the coordinates.")),
    "few_decimals": ("precision",
        _("the coordinates have at most %(most)s decimals; the EU asks for 6 (about 0.1 m)"),
        _("Export the coordinates with 6 decimals from the GPS or GIS data.")),
    "many_decimals": ("precision",
        _("%(count)s features have coordinates with more than 6 decimals (up to %(most)s): "
          "features %(shown)s"),
        _("The EU system accepts them; 6 decimals (about 0.1 m) are enough and keep files "
          "small.")),
    "ring_positions": ("ring_positions",
        _("a ring of polygon %(number)s has %(count)s positions; at least 4 are needed"),
        _("Give at least 3 distinct corners and repeat the first at the end.")),
    "ring_not_closed": ("ring_not_closed",
        _("a ring of polygon %(number)s does not end where it starts"),
        _("Repeat the first position at the end of the ring.")),
    "hole": ("hole",
        _("polygon %(number)s has %(holes)s hole(s) (inner rings); the EU system takes none"),
        _("Split the polygon into parts without holes (chacra export eudr does this).")),
    "invalid": ("invalid_geometry", _("the polygon is not valid: %(reason)s"),
        _("Redraw it without crossing or touching edges, or repair it (e.g. shapely's "
          "make_valid).")),
    "text_missing": ("%(rule)s", _("%(key)s is missing or empty"), _("Give %(key)s as text.")),
    "country": ("producer_country", _("ProducerCountry must be an ISO 3166-1 alpha-2 code"),
        _("Give two capital letters, e.g. \"PE\" for Peru.")),
    "area_type": ("area", _("Area must be a JSON number of hectares"),
        _("Give the plot's area in hectares as a number, e.g. 1.25, not as text.")),
    "area_small": ("area", _("Area must be at least 0.0001 ha"),
        _("Give the plot's area in hectares.")),
    "point_too_large": ("point_too_large",
        _("a plot of more than 4 ha needs a polygon, not a point"),
        _("Map the plot's boundary and give it as a Polygon.")),
}  # fmt: skip
del _
RULES = frozenset(r for r, _what, _fix in MESSAGES.values() if "%" not in r) | {
    "producer_name",
    "production_place",
}
