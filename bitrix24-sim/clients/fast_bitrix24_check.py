"""fast_bitrix24 against the simulator: call, call_batch, and a call over 60 items (two batches)."""
import sys

from fast_bitrix24 import Bitrix

webhook = sys.argv[1]
b = Bitrix(webhook, ssl=False, verbose=False)

revision = b.call("imopenlines.revision.get", raw=True)
assert revision["result"] == {"rest": 2, "web": 1, "mobile": 1}, revision
print("call: imopenlines.revision.get ->", revision["result"])

batched = b.call_batch({
    "halt": 0,
    "cmd": {
        "line": "imopenlines.config.get?CONFIG_ID=1",
        "name": "imopenlines.config.get?CONFIG_ID=$result[line][ID]",
        "me": "user.current",
    },
})
assert batched["line"]["LINE_NAME"] == "Demo line", batched
assert batched["name"]["ID"] == "1", batched
print("call_batch: 3 commands ->", sorted(batched))

lines = b.call("imopenlines.config.get", [{"CONFIG_ID": i} for i in range(1, 61)])
assert len(lines) == 60, len(lines)
found = [line for line in lines if line]
assert found and found[0]["ID"] == "1", found[:1]
print(f"call over 60 items: {len(lines)} results, {len(found)} existing lines")
