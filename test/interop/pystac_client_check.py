"""Drive a running refs STAC API with pystac-client and print what it saw as one JSON document.

Usage: python3 pystac_client_check.py <api-url> <h3-cell>. The TypeScript test that runs this script compares the output
with a brute-force evaluation of the same searches over the items it loaded.
"""

import json
import sys
import warnings

import pystac
import pystac_client
from pystac.extensions.item_assets import ItemAssetsExtension
from pystac.extensions.xarray_assets import XarrayAssetsExtension
from pystac_client import Client, ConformanceClasses

url = sys.argv[1]
h3_cell = sys.argv[2]
warnings.simplefilter("error")  # a pystac-client warning (e.g. a missing conformance class) fails the run
client = Client.open(url)

out = {
    "versions": {"pystac": pystac.__version__, "pystac_client": pystac_client.__version__},
    "conforms": {
        name: client.conforms_to(getattr(ConformanceClasses, name))
        for name in ["CORE", "COLLECTIONS", "FEATURES", "ITEM_SEARCH", "FILTER", "SORT", "FIELDS"]
    },
    "collections": sorted(c.id for c in client.get_collections()),
}


def ids(search):
    return [item.id for item in search.items()]


# Datetime range, paged (limit 25 over a few hundred items), by POST (pystac-client's default) and by GET.
for method in ["POST", "GET"]:
    s = client.search(collections=["gen"], datetime="2020-03-01/2020-04-30T23:59:59Z", limit=25, method=method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # matched() warns when the API leaves numberMatched out
        matched = s.matched()
    out[f"datetime_{method}"] = {"ids": ids(s), "matched": matched}

out["open_end"] = ids(client.search(collections=["gen"], datetime="2020-12-01/..", limit=50))
out["cql2_json"] = ids(
    client.search(
        collections=["gen"],
        filter={"op": "=", "args": [{"property": "platform"}, "O'Brien"]},
        filter_lang="cql2-json",
        limit=100,
    )
)
out["cql2_text"] = ids(
    client.search(collections=["gen"], filter="quality > 0.5 AND flag = true", filter_lang="cql2-text", limit=100)
)
out["h3_function"] = ids(
    client.search(collections=["gen"], filter=f"h3_intersects(\"h3:cells\", '{h3_cell}')", filter_lang="cql2-text", limit=100)
)
sorted_search = client.search(collections=["gen"], sortby="-properties.quality", max_items=40, limit=15)
out["sorted_quality"] = [item.properties.get("quality") for item in sorted_search.items()]
fields_page = next(
    client.search(collections=["gen"], fields={"include": ["id"], "exclude": ["geometry"]}, limit=3).pages_as_dicts()
)
out["fields_keys"] = sorted(fields_page["features"][0].keys())
# the query extension as pystac-client sends it ("quality>0.5" strings become {"quality": {"gt": 0.5}})
out["query_ext"] = ids(client.search(collections=["gen"], query=["quality>0.5", "platform=sat-a"], limit=100))
# sortby together with fields: the sort key is kept even when fields leave it out of the answer
sorted_fields = client.search(
    collections=["gen"], sortby="-properties.quality", fields={"include": ["id", "properties.quality"]}, max_items=30, limit=10
)
out["sorted_fields"] = [
    {"id": f["id"], "keys": sorted(f.get("properties", {}).keys()), "quality": f.get("properties", {}).get("quality")}
    for page in sorted_fields.pages_as_dicts()
    for f in page["features"]
]
collection = client.get_collection("gen")
out["collection_items"] = len(list(collection.get_items()))
out["single_item"] = collection.get_item("item-000005").id
out["by_ids"] = ids(client.search(ids=["item-000007", "item-000003"]))
# what `refs catalog` builds, read through pystac's extension classes (which look for the declared schema URIs)
proj = client.get_collection("proj")
reference = proj.get_item("proj-references")
asset = reference.assets["references"]
out["extensions"] = {
    "item_assets": {
        "declared": ItemAssetsExtension.has_extension(proj),
        "keys": sorted(ItemAssetsExtension.ext(proj).item_assets.keys()),
        "roles": ItemAssetsExtension.ext(proj).item_assets["references"].roles,
    },
    "xarray_assets": {
        "declared": XarrayAssetsExtension.has_extension(reference),
        "open_kwargs": XarrayAssetsExtension.ext(asset).open_kwargs,
    },
}
print(json.dumps(out))
