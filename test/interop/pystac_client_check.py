"""Drive a running refs STAC API with pystac-client and print what it saw as one JSON document.

Usage: python3 pystac_client_check.py <api-url> <h3-cell>. The TypeScript test that runs this script compares the output
with a brute-force evaluation of the same searches over the items it loaded.
"""

import json
import sys
import warnings

import pystac
import pystac_client
from pystac_client import Client, ConformanceClasses

try:  # pystac's extension classes; a pystac without its extensions package reads the same through core
    from pystac.extensions.item_assets import ItemAssetsExtension
    from pystac.extensions.xarray_assets import XarrayAssetsExtension
except ImportError:
    ItemAssetsExtension = XarrayAssetsExtension = None

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
if ItemAssetsExtension is not None:
    out["extensions"] = {
        "via": "pystac.extensions",
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
else:  # Collection.item_assets is core since pystac 1.12; xarray:open_kwargs is an asset field
    out["extensions"] = {
        "via": "pystac core",
        "item_assets": {
            "declared": any("/item-assets/" in e for e in proj.stac_extensions),
            "keys": sorted(proj.item_assets.keys()),
            "roles": proj.item_assets["references"].roles,
        },
        "xarray_assets": {
            "declared": any("/xarray-assets/" in e for e in reference.stac_extensions),
            "open_kwargs": asset.extra_fields["xarray:open_kwargs"],
        },
    }
# every search parameter at once: bbox, datetime, filter, query, sortby and fields, over several pages
combined = client.search(
    collections=["gen"],
    bbox=[0, 35, 12, 47],
    datetime="2020-02-01/2020-09-30T23:59:59Z",
    filter="quality > 0.2",
    filter_lang="cql2-text",
    query={"flag": {"eq": True}},
    sortby="-properties.quality",
    fields={"include": ["id", "properties.quality"], "exclude": ["geometry"]},
    limit=9,
)
out["combined"] = [
    {"id": f["id"], "keys": sorted(f.keys()), "quality": f.get("properties", {}).get("quality")}
    for page in combined.pages_as_dicts()
    for f in page["features"]
]
# paging through many pages (limit 7 over every item), by POST and by GET
for method in ["POST", "GET"]:
    pages = list(client.search(collections=["gen"], limit=7, method=method).pages_as_dicts())
    out[f"many_pages_{method}"] = {"pages": len(pages), "ids": [f["id"] for p in pages for f in p["features"]]}
# collection search (the server declares collection-search and its free text, so pystac-client asks it)
out["conforms_collection_search"] = {
    name: client.conforms_to(getattr(ConformanceClasses, name))
    for name in ["COLLECTION_SEARCH", "COLLECTION_SEARCH_FREE_TEXT"]
}
collection_searches = {
    "q": {"q": "ocean,glacier"},
    "bbox_datetime": {"bbox": [-20, -10, 40, 30], "datetime": "2010-01-01T00:00:00Z/.."},
    "filter": {"filter": "license = 'MIT' AND A_OVERLAPS(keywords, ('rain'))", "filter_lang": "cql2-text"},
    "paged": {"q": "collection", "limit": 3},
}
out["collection_search"] = {}
for name, kwargs in collection_searches.items():
    search = client.collection_search(**kwargs)
    out["collection_search"][name] = {
        "ids": [c["id"] for c in search.collections_as_dicts()],
        "matched": search.matched(),
        "pages": len(list(search.pages_as_dicts())),
    }
# collection search with sortby and fields (the server declares collection-search#sort and #fields)
ordered = client.collection_search(q="collection", sortby="-license,title", fields=["id", "title", "license"], limit=4)
ordered_pages = list(ordered.pages_as_dicts())
out["collection_search_sorted"] = {
    "ids": [c["id"] for p in ordered_pages for c in p["collections"]],
    "keys": sorted({",".join(sorted(c.keys())) for p in ordered_pages for c in p["collections"]}),
    "pages": len(ordered_pages),
}
print(json.dumps(out))
