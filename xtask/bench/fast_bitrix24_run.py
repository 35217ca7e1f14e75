"""One run of a bulk workload through fast_bitrix24, for `cargo xtask bench`.

Prints one JSON line: {"outcome": "finished"|"failed", "elapsed_s", "items", "error"}. The time covers the
library call only, not the interpreter start or the import.

    python fast_bitrix24_run.py WEBHOOK reads|traversal COUNT POOL_SIZE REQUESTS_PER_SECOND
"""
import json
import sys
import time
import warnings

from fast_bitrix24 import Bitrix

webhook, workload, count, pool, rate = sys.argv[1:6]
count, pool, rate = int(count), int(pool), float(rate)
warnings.simplefilter("ignore")
bitrix = Bitrix(
    webhook,
    ssl=False,
    verbose=False,
    request_pool_size=pool,
    requests_per_second=rate,
)

start = time.perf_counter()
try:
    if workload == "reads":
        items = bitrix.call("imopenlines.config.get", [{"CONFIG_ID": 1}] * count)
        ok = len(items) == count and all(item and item.get("ID") == "1" for item in items)
    else:
        items = bitrix.get_all("user.get")
        ok = len({item["ID"] for item in items}) == count
    elapsed = time.perf_counter() - start
    outcome = {"outcome": "finished" if ok else "wrong", "items": len(items)}
except Exception as error:  # the failure is the result being measured
    elapsed = time.perf_counter() - start
    outcome = {"outcome": "failed", "error": f"{type(error).__name__}: {error}"}
outcome["elapsed_s"] = elapsed
print(json.dumps(outcome))
