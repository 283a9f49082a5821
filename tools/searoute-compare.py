#!/usr/bin/env python3
"""Sea distances of `preclear route` against the `searoute` Python package (the peer), port to
port, in one run on this machine (issue 22; docs/BENCHMARKS.md, "Routing").

Two comparisons for each pair of ports:
  same network  searoute run on a graph built from preclear's bundled MARNET file exactly as
                preclear builds it (nodes folded at the antimeridian, haversine weights on a
                6,371 km sphere): differences come only from how each snaps a port to the lanes
                (searoute: nearest node in degrees; preclear: nearest on the sphere);
  own network   searoute with the network it ships (its coordinates rounded differently, some
                extra joins along the antimeridian).
Both with the ports' own coordinates appended at the ends (preclear counts the way from the
port to the lanes). The Northwest Passage is closed in both.

    pip install searoute
    cargo build -p preclear-cli
    python3 tools/searoute-compare.py [target/debug/preclear]
"""
import json
import math
import subprocess
import sys
import time

import searoute as sr
from searoute.classes import marnet, passages
from searoute.utils import from_nodes_edges_set

PRECLEAR = sys.argv[1] if len(sys.argv) > 1 else "target/debug/preclear"
DATA = "crates/preclear-route/data/"

PORTS = """NLRTM DEHAM BEANR GBFXT ESVLC ITGOA GRPIR USNYC USSAV USLAX BRSSZ ARBUE ZADUR AEJEA
INNSA SGSIN CNSHA CNYTN HKHKG KRPUS JPTYO TWKHH VNSGN IDJKT AUMEL MXZLO PECLL CLSAI EGPSD
SAJED KEMBA NGLOS MYPKG THLCH PHMNL CAVAN COCTG UYMVD LKCMB PAONX""".split()
TAGS = {"ormuz": "ormuz", "chili": "chili"}


def fold(point):
    lon, lat = round(point[0] * 1e6), round(point[1] * 1e6)
    if lon > 180_000_000:
        lon -= 360_000_000
    if lon == 180_000_000:
        lon = -180_000_000
    return (lon / 1e6, lat / 1e6)


def haversine_km(a, b):
    lat1, lat2 = math.radians(a[1]), math.radians(b[1])
    dlat, dlon = lat2 - lat1, math.radians(b[0] - a[0])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * math.asin(min(1.0, math.sqrt(h))) * 6371.0


def same_network():
    lanes = json.load(open(DATA + "marnet_searoute.geojson"))
    nodes, edges = {}, {}
    for feature in lanes["features"]:
        tag = feature["properties"].get("passage")
        geometry = feature["geometry"]
        lines = [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]
        for line in lines:
            points = [fold(p) for p in line]
            for a, b in zip(points, points[1:]):
                if a == b:
                    continue
                for u, v in ((a, b), (b, a)):
                    nodes[u] = {"x": u[0], "y": u[1]}
                    data = edges.setdefault(u, {}).get(v)
                    weight = haversine_km(u, v)
                    if data is None or weight < data["weight"]:
                        edges[u][v] = {"weight": weight, "passage": tag or (data or {}).get("passage")}
    return from_nodes_edges_set(marnet.Marnet(), nodes, edges)


def main():
    ports = {f["properties"]["port"]: f["geometry"]["coordinates"]
             for f in json.load(open(DATA + "ports.geojson"))["features"]}
    pairs = [(a, b) for i, a in enumerate(PORTS) for j, b in enumerate(PORTS) if i < j and (i + j) % 6 == 0]
    network = same_network()
    rows = []
    started = time.time()
    peer_seconds = 0.0
    for a, b in pairs:
        out = subprocess.run([PRECLEAR, "route", a, b, "--format", "json"], capture_output=True, text=True)
        if out.returncode != 0:
            print(f"{a}-{b}: preclear: {out.stderr.strip()}")
            continue
        ours = float(json.loads(out.stdout)["distance_km"])
        t = time.time()
        same = sr.searoute(ports[a], ports[b], append_orig_dest=True, M=network,
                           restrictions=[passages.Passage.northwest])["properties"]["length"]
        own = sr.searoute(ports[a], ports[b], append_orig_dest=True)["properties"]["length"]
        peer_seconds += time.time() - t
        rows.append((a, b, ours, same, own))
    def stats(index):
        diffs = sorted(abs(r[2] - r[index]) / r[index] * 100 for r in rows if r[index] > 0)
        within = sum(1 for d in diffs if d <= 1.0)
        return (f"median {diffs[len(diffs) // 2]:.3f}%, p95 {diffs[int(len(diffs) * 0.95)]:.2f}%, "
                f"max {diffs[-1]:.2f}%, within 1%: {within} of {len(diffs)}")
    print(f"{len(rows)} port pairs")
    print("preclear vs searoute, same network:", stats(3))
    print("preclear vs searoute, its own network:", stats(4))
    print(f"searoute: {peer_seconds / (2 * len(rows)) * 1000:.1f} ms a query (after its first, which builds the graph)")
    worst = sorted(rows, key=lambda r: -abs(r[2] - r[3]) / r[3])[:5]
    print("largest differences on the same network (preclear km, searoute km):")
    for a, b, ours, same, own in worst:
        print(f"  {a}-{b}: {ours:.1f} vs {same:.1f} ({(ours - same) / same * 100:+.2f}%); own network {own:.1f}")
    print(f"wall time {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
