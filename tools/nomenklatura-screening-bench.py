# The peer measurement of docs/BENCHMARKS.md "Screening": pip install nomenklatura, then
# python3 tools/nomenklatura-screening-bench.py [logic-v2]. Not a runtime dependency.
# nomenklatura's default matcher scoring the same queries against 400 listed entities each
# (the most candidates preclear scores per query), on this machine, one core.
import csv, time, statistics
from followthemoney import model
from nomenklatura.matching import get_algorithm, DefaultAlgorithm
from nomenklatura.matching.types import ScoringConfig

QUERIES = ["Banco Nacional de Cuba", "BANCO NACINAL DE CUBA", "Эрик Бадеге", "Nordwind Systems GmbH",
           "Anadolu Veri Merkezi A.Ş.", "Rheinwerk Rechenzentrum GmbH", "AEROCARIBBEAN AIRLINES",
           "Islamic Revolutionary Guard Corps"]
names = []
with open(__import__("os").path.join(__import__("os").path.dirname(__file__), "..", "crates", "preclear-screening", "data", "ofac-sdn-2021.csv"), encoding="utf-8", errors="replace") as f:
    for row in csv.reader(f):
        if len(row) > 2 and row[1].strip() and row[1].strip() != "-0-":
            names.append((row[0], row[1].strip(), row[2].strip()))
def entity(i, name, kind):
    e = model.make_entity("Person" if kind == "individual" else "Company" if kind in ("-0-", "") else "LegalEntity")
    e.id = f"e{i}"
    e.add("name", name)
    return e
cands = [entity(i, n, k) for i, (i_, n, k) in enumerate(names[:400])]
import sys
algo = get_algorithm(sys.argv[1]) if len(sys.argv) > 1 else DefaultAlgorithm
config = ScoringConfig.defaults() if hasattr(ScoringConfig, "defaults") else ScoringConfig(weights={}, config={})
times = []
for round_ in range(3):
    for q in QUERIES:
        qe = model.make_entity("LegalEntity"); qe.id = "q"; qe.add("name", q)
        t0 = time.perf_counter()
        for c in cands:
            algo.compare(qe, c, config)
        times.append(time.perf_counter() - t0)
print(f"algorithm {algo.NAME}: per query (400 candidates) median {statistics.median(times)*1000:.1f} ms, "
      f"per pair {statistics.median(times)/400*1e6:.1f} us, queries/s {1/statistics.median(times):.2f}")
