# The peer measurement of docs/BENCHMARKS.md "Screening quality": nomenklatura's matchers on
# the labelled pairs that `cargo run --release -p preclear-screening --example quality` writes
# (pip install nomenklatura; not a runtime dependency):
#
#     python3 tools/nomenklatura-quality.py target/screening-pairs.csv [logic-v2 ...]
#
# Each pair becomes two followthemoney entities with a `name` (a `Person` when the listed name
# reads like one is not known here: both are `LegalEntity`, as a screened party usually is).
# Reported per algorithm: precision and recall at 0.70 (yente's default match threshold) and
# per class; then preclear's recall at nomenklatura's precision (the comparison).
import csv, sys
from collections import defaultdict
from followthemoney import model
from nomenklatura.matching import get_algorithm
from nomenklatura.matching.types import ScoringConfig

THRESHOLD = 0.70
path = sys.argv[1] if len(sys.argv) > 1 else "target/screening-pairs.csv"
names = sys.argv[2:] or ["logic-v2", "regression-v1"]
pairs = list(csv.DictReader(open(path, encoding="utf-8")))
config = ScoringConfig.defaults() if hasattr(ScoringConfig, "defaults") else ScoringConfig(weights={}, config={})

def entity(id_, name):
    e = model.make_entity("LegalEntity")
    e.id = id_
    e.add("name", name)
    return e

def report(who, scored, threshold):
    tp = sum(1 for s, l, _ in scored if l and s >= threshold)
    fp = sum(1 for s, l, _ in scored if not l and s >= threshold)
    pos = sum(1 for _, l, _ in scored if l)
    precision = tp / max(tp + fp, 1)
    print(f"{who} at {threshold:.2f}: precision {precision:.3f}, recall {tp / max(pos, 1):.3f} "
          f"({tp} of {pos} positives, {fp} false positives)")
    classes = defaultdict(lambda: [0, 0, None])
    for s, l, c in scored:
        classes[c][1] += 1
        classes[c][2] = l
        if s >= threshold:
            classes[c][0] += 1
    for c in sorted(classes):
        hit, n, label = classes[c]
        print(f"    {c:<11} {'found' if label else 'alerted (false positives)'} {hit} of {n}")
    return precision

def recall_at_precision(scored, wanted):
    # The lowest threshold at which precision is at least `wanted`, and the recall there.
    best = None
    for t in sorted({s for s, _, _ in scored}):
        tp = sum(1 for s, l, _ in scored if l and s >= t)
        fp = sum(1 for s, l, _ in scored if not l and s >= t)
        if tp + fp and tp / (tp + fp) >= wanted:
            pos = sum(1 for _, l, _ in scored if l)
            best = (t, tp / pos)
            break
    return best

preclear = [(float(p["preclear"]), p["label"] == "1", p["class"]) for p in pairs]
for name in names:
    algo = get_algorithm(name)
    scored = []
    for i, p in enumerate(pairs):
        result = algo.compare(entity(f"q{i}", p["query"]), entity(f"l{i}", p["listed"]), config)
        score = result.score if hasattr(result, "score") else float(result["score"])
        scored.append((score, p["label"] == "1", p["class"]))
    precision = report(f"nomenklatura {algo.NAME}", scored, THRESHOLD)
    found = recall_at_precision(preclear, precision)
    if found:
        print(f"    preclear at nomenklatura {algo.NAME}'s precision ({precision:.3f}): threshold {found[0]:.3f}, recall {found[1]:.3f}")
