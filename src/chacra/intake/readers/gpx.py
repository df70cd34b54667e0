"""GPX from a handheld GPS or a phone: tracks walked around plots, and waypoints.

Each track (all its segments, in order) becomes one row whose boundary is made by
:func:`chacra.geo.tracks.track_to_polygon`; what the cleaning removed goes to ``row.notes``, and
a walk it cannot make into a plot (too few fixes, start and end too far apart, no area) becomes a
``RowError`` on the field ``track`` instead of a row. Each waypoint becomes a row with a point.
The track's or waypoint's ``<name>`` is the plot name; the date of its first fix (in Peru's time,
UTC-5) is the mapping date. GPX times are UTC; a time with an offset is converted.

A GPX file carries no producer data: it is imported for a given producer. Its rows fail
validation until producer columns (name, DNI, sex, distrito, comunidad) are supplied, e.g. merged
in by the validator from the producer the file was uploaded for.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyogrio
import pyogrio.raw
import shapely

from chacra.geo.tracks import CLOSE_FACTOR, MIN_POINTS, TrackResult, track_to_polygon
from chacra.intake.readers.base import IntakeError
from chacra.intake.readers.layers import (
    ACCEPTED,
    GDAL_ERRORS,
    check_not_empty,
    gdal_reason,
    plain_value,
)
from chacra.intake.rows import IntakeRow, ReadResult, RowError, SourceRef

ACCURACY_M = 5.0  # a consumer GPS receiver under open sky; what the cleaning treats as noise
PERU_OFFSET = np.timedelta64(-5, "h")  # Peru keeps UTC-5 all year
GPX_LAYERS = {"waypoints", "tracks", "track_points"}
DROPPED = {  # track cleaning step -> how a note names the fixes it removed
    "non_finite": "{n} without coordinates",
    "too_fast": "{n} GPS jump{s} (too far from the neighbouring fixes for the time between)",
    "duplicates": "{n} repeated",
    "spikes": "{n} out-and-back spike{s}",
    "simplified": "{n} on straight stretches",
}


def _fields(meta: dict[str, Any], data: Any) -> dict[str, npt.NDArray[Any]]:
    return {str(name): values for name, values in zip(meta["fields"], data, strict=True)}


def _utc_times(stamps: npt.NDArray[Any]) -> npt.NDArray[np.datetime64]:
    """GDAL's time strings as UTC datetime64[ms]; NaT where a fix has no readable time."""
    out = np.full(len(stamps), np.datetime64("NaT"), dtype="datetime64[ms]")
    for i, stamp in enumerate(stamps):
        try:
            moment = dt.datetime.fromisoformat(str(stamp)) if stamp else None
        except ValueError:
            continue
        if moment is None:
            continue
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
        out[i] = np.datetime64(moment, "ms")
    return out


def _peru_date(times: npt.NDArray[np.datetime64]) -> dt.date | None:
    known = times[~np.isnat(times)]
    if not known.size:
        return None
    day: dt.date = (known[0] + PERU_OFFSET).astype("datetime64[D]").item()
    return day


def track_summary(label: str, result: TrackResult, times_missing: int) -> str:
    """What the cleaning did, in a technician's words, e.g. "track 'Parcela 1': 212 points, used
    38; trimmed 25 stationary (12 at the start, 13 at the end); dropped 1 spike; 1.02 ha"."""
    steps = dict(result.steps)
    parts = [f"{label}: {result.points_in} points, used {result.points_used}"]
    start, end = steps.pop("stationary_start", 0), steps.pop("stationary_end", 0)
    if start + end:
        parts.append(f"trimmed {start + end} stationary ({start} at the start, {end} at the end)")
    dropped = [
        DROPPED.get(step, "{n} " + step.replace("_", " ")).format(n=n, s="" if n == 1 else "s")
        for step, n in steps.items()
        if n
    ]
    if dropped:
        parts.append("dropped " + ", ".join(dropped))
    if times_missing:
        parts.append(f"{times_missing} fixes have no time, so speeds were not checked")
    if result.closed_gap_m is not None and result.polygon is not None:
        parts.append(f"closed a {result.closed_gap_m:.0f} m gap between end and start")
    if "repaired" in result.problems:
        parts.append("the walk crossed itself and the polygon was repaired: check it on the map")
    if result.area_ha is not None:
        parts.append(f"{result.area_ha:.2f} ha")
    return "; ".join(parts)


def problem_message(code: str, result: TrackResult) -> str:
    """What is wrong with a walk, and what would be accepted."""
    whole_walk = f"a walk around the whole plot that ends within ~{CLOSE_FACTOR * ACCURACY_M:.0f} m"
    whole_walk += " of the start"
    if code == "too_few_points":
        return (
            f"only {result.points_used} of the track's {result.points_in} fixes are left after "
            f"cleaning; expected {whole_walk}, with at least {MIN_POINTS} fixes (record a fix "
            "every few seconds)"
        )
    if code == "open_ring":
        gap = result.closed_gap_m or 0.0
        return f"the walk ends {gap:.0f} m from where it started; expected {whole_walk}"
    if code == "no_area":
        return f"the cleaned track encloses no area; expected {whole_walk}, not along one line"
    return f"the track could not be made into a plot ({code}); expected {whole_walk}"


class GpxReader:
    name = "gpx"
    description = "GPX from a handheld GPS or phone: tracks walked around plots, and waypoints"
    extensions: tuple[str, ...] = (".gpx",)
    what = "a GPX file with tracks or waypoints"
    needs_producer = True  # a GPS says where, never whose: imported for one producer

    def can_handle(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in self.extensions

    def read(self, path: Path) -> ReadResult:
        check_not_empty(path, self.what)
        source, file = str(path), path.name
        try:
            listed = [str(name) for name in pyogrio.list_layers(source)[:, 0]]
            driver = pyogrio.read_info(source, layer=listed[0])["driver"] if listed else None
            if driver != "GPX" or not set(listed) >= GPX_LAYERS:
                raise IntakeError(
                    f"{file}: this is not {self.what} (GDAL reads it as {driver}); chacra reads "
                    f"{ACCEPTED}"
                )
            read = pyogrio.raw.read
            _, track_fids, _, (track_names,) = read(
                source, layer="tracks", columns=["name"], read_geometry=False, return_fids=True
            )
            meta, _, point_wkb, data = read(
                source, layer="track_points", columns=["track_fid", "time"],
                datetime_as_string=True, force_2d=True,
            )  # fmt: skip
            points = _fields(meta, data)
            meta, _, waypoint_wkb, data = read(
                source, layer="waypoints", columns=["name", "time"],
                datetime_as_string=True, force_2d=True,
            )  # fmt: skip
            waypoints = _fields(meta, data)
            routes = "routes" in listed and len(
                read(source, layer="routes", columns=[], read_geometry=False, return_fids=True)[1]
            )
        except GDAL_ERRORS as exc:
            raise IntakeError(
                f"{file}: cannot be read as {self.what} ({gdal_reason(exc, source)}); chacra "
                f"reads {ACCEPTED}"
            ) from exc
        if not len(track_fids) and not len(waypoint_wkb):
            routes_hint = (
                " (it has only routes, which are planned paths: export the recorded track)"
                if routes
                else ""
            )
            raise IntakeError(f"{file}: no tracks or waypoints{routes_hint}; expected {self.what}")

        result = ReadResult()
        geometries = shapely.from_wkb(np.asarray(point_wkb, dtype=object), on_invalid="ignore")
        lon, lat = shapely.get_x(geometries), shapely.get_y(geometries)
        times = _utc_times(points["time"])
        feature = 0
        for fid, raw_name in zip(track_fids, track_names, strict=True):
            feature += 1
            mine = points["track_fid"] == fid
            self._track(result, SourceRef(file=file, feature=feature), plain_value(raw_name),
                        lon[mine], lat[mine], times[mine])  # fmt: skip
        waypoint_geometries = shapely.from_wkb(
            np.asarray(waypoint_wkb, dtype=object), on_invalid="ignore"
        )
        waypoint_times = _utc_times(waypoints["time"])
        for i, point in enumerate(waypoint_geometries):
            feature += 1
            ref = SourceRef(file=file, feature=feature)
            name = plain_value(waypoints["name"][i])
            if point is None or point.is_empty:
                accepted = "a waypoint with lat and lon"
                result.errors.append(RowError(ref, "geometry", name, f"expected {accepted}"))
                continue
            row = IntakeRow(ref=ref, point=point, mapping_method="gps_point")
            if name is not None:
                row.values["plot_name"] = name
            mapped_on = _peru_date(waypoint_times[i : i + 1])
            if mapped_on is not None:
                row.values["mapped_on"] = mapped_on
            result.rows.append(row)
        return result

    def _track(
        self,
        result: ReadResult,
        ref: SourceRef,
        name: Any,
        lon: npt.NDArray[np.float64],
        lat: npt.NDArray[np.float64],
        times: npt.NDArray[np.datetime64],
    ) -> None:
        label = f"track {name!r}" if name is not None else f"track {ref.feature}"
        missing = int(np.count_nonzero(np.isnat(times)))
        cleaned = track_to_polygon(
            lon, lat, times=None if missing else times, accuracy_m=ACCURACY_M
        )
        problems = [code for code in cleaned.problems if code != "repaired"]
        if cleaned.polygon is None and not problems:
            problems.append("no_area")
        if problems:
            value = name if name is not None else label
            for code in problems:
                result.errors.append(RowError(ref, "track", value, problem_message(code, cleaned)))
            return
        row = IntakeRow(ref=ref, geometry=cleaned.polygon, mapping_method="gps_walk")
        row.notes.append(track_summary(label, cleaned, missing))
        if name is not None:
            row.values["plot_name"] = name
        mapped_on = _peru_date(times)
        if mapped_on is not None:
            row.values["mapped_on"] = mapped_on
        result.rows.append(row)
