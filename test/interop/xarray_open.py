"""Open kerchunk references with xarray (zarr engine over fsspec's ReferenceFileSystem) and print what it read.

Usage: python3 xarray_open.py [--decode] <references.json>[::<folder>] ...
With ::<folder>, relative URLs in the references (kerchunk's fixture references name only the file) are taken
relative to that folder. Prints one JSON document: for each references file, either {"error": "<exception type>: <message>"} or
{"variables": {name: {dtype, shape, dims, data | iso | text}}}. Numeric values are raw bytes (little-endian,
base64); without --decode nothing is masked, scaled or converted, so bytes can be compared exactly. With --decode,
times are decoded (CF) and given as ISO strings. One process for many files: importing xarray takes seconds.
"""

import base64
import json
import os
import sys

import numpy as np
import xarray as xr


def absolute(url, folder):
    return url if "://" in url or url.startswith("/") or url.startswith("{{") else os.path.join(folder, url)


def references(arg):
    """The fo argument: the path itself, or the references with relative URLs resolved against a folder."""
    if "::" not in arg:
        return arg
    path, folder = arg.split("::", 1)
    with open(path) as f:
        doc = json.load(f)
    for key, value in doc.get("refs", {}).items():
        if isinstance(value, list) and value:
            value[0] = absolute(value[0], folder)
    for key, value in (doc.get("templates") or {}).items():
        doc["templates"][key] = absolute(value, folder)
    return doc


def describe(arg, decode):
    ds = xr.open_dataset(
        "reference://",
        engine="zarr",
        backend_kwargs={
            "consolidated": False,
            "storage_options": {"fo": references(arg), "remote_protocol": "file"},
        },
        decode_times=decode,
        mask_and_scale=decode,
        decode_cf=decode,
    )
    out = {}
    for name, var in ds.variables.items():
        values = var.values
        entry = {"dtype": str(values.dtype), "shape": list(values.shape), "dims": list(var.dims)}
        if values.dtype == np.float16:
            # JavaScript has no float16 array: compare as float32 (exact, every float16 is a float32)
            values = values.astype(np.float32)
            entry["dtype"] = "float16"
        if values.dtype.kind in "iufb":
            le = values.astype(values.dtype.newbyteorder("<"), copy=False)
            entry["data"] = base64.b64encode(np.ascontiguousarray(le).tobytes()).decode()
        elif values.dtype.kind == "M":
            entry["iso"] = [str(v) for v in np.datetime_as_string(values, unit="s", timezone="UTC").ravel()]
        else:
            entry["text"] = [str(v) for v in values.ravel().tolist()]
        out[name] = entry
    return {"variables": out}


def main():
    decode = "--decode" in sys.argv[1:]
    paths = [a for a in sys.argv[1:] if a != "--decode"]
    results = {}
    for path in paths:
        try:
            results[path] = describe(path, decode)
        except Exception as e:  # report per file, go on with the others
            results[path] = {"error": f"{type(e).__name__}: {e}"}
    print(json.dumps(results))


main()
