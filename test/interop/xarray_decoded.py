"""Compare what xarray decodes through refs' references with what it decodes from each source file on its own.

Usage: python3 xarray_decoded.py packed <references.json> <variable> <file> [<file> ...]
       python3 xarray_decoded.py times <references.json> <file> [<file> ...]
packed: the variable through the references, decoded as the README says (var * var_scale_factor + var_add_offset),
against xr.concat of the files opened by xarray's netCDF4 engine (each with its own scale_factor/add_offset).
times: time and its bounds through the references (cftime for model calendars) against the files' own.
Prints one JSON document: {"equal": bool, "detail": str}.
"""

import json
import sys

import numpy as np
import xarray as xr


def open_refs(path):
    return xr.open_dataset(
        "reference://",
        engine="zarr",
        backend_kwargs={"consolidated": False, "storage_options": {"fo": path, "remote_protocol": "file"}},
        use_cftime=True,
    )


def exact(file, variable):
    """The file's raw values decoded in float64 with its own attributes (xarray itself decodes int16 to float32)."""
    raw = xr.open_dataset(file, engine="netcdf4", mask_and_scale=False)[variable]
    values = raw.values.astype("float64") * raw.attrs["scale_factor"] + raw.attrs["add_offset"]
    return np.where(raw.values == raw.attrs["_FillValue"], np.nan, values)


def packed(refs, variable, files):
    ds = open_refs(refs)
    ours = (ds[variable] * ds[f"{variable}_scale_factor"] + ds[f"{variable}_add_offset"]).values
    truth = np.concatenate([exact(f, variable) for f in files])
    decoded = xr.concat([xr.open_dataset(f, engine="netcdf4")[variable] for f in files], dim="time").values
    same_shape = ours.shape == truth.shape == decoded.shape
    equal = same_shape and bool(np.array_equal(ours, truth, equal_nan=True))
    # xarray's own decode of the files (float32 for int16 here) rounds: within float32 precision of the packed range.
    bound = max(abs(xr.open_dataset(f, engine="netcdf4", mask_and_scale=False)[variable].attrs[k]) * m for f in files for k, m in (("scale_factor", 32767), ("add_offset", 1)))
    tolerance = 2.0**-21 * bound
    close = same_shape and bool(np.allclose(ours, decoded, rtol=0, atol=tolerance, equal_nan=True))
    return {
        "equal": equal and close,
        "detail": f"shape {ours.shape} vs {truth.shape}; exact float64 decode equal: {equal}; "
        f"xarray's {decoded.dtype} decode of the files within {tolerance:.3g}: {close}",
    }


def times(refs, files):
    ds = open_refs(refs)
    sources = [xr.open_dataset(f, engine="netcdf4", use_cftime=True) for f in files]
    out = {}
    for name in ("time", "time_bnds"):
        ours = [str(v) for v in ds[name].values.ravel()]
        theirs = [str(v) for s in sources for v in s[name].values.ravel()]
        out[name] = ours == theirs
        if ours != theirs:
            first = next(i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b) if len(ours) == len(theirs) else -1
            out[f"{name}_first"] = [first, ours[first] if first >= 0 else len(ours), theirs[first] if first >= 0 else len(theirs)]
    return {"equal": all(v for k, v in out.items() if not k.endswith("_first")), "detail": json.dumps(out)}


def main():
    mode = sys.argv[1]
    if mode == "packed":
        result = packed(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        result = times(sys.argv[2], sys.argv[3:])
    print(json.dumps(result))


main()
