"""b24pysdk against the simulator, with only the base URL switched from https to http."""
import importlib
import sys

from b24pysdk import BitrixWebhook, Client

caller = importlib.import_module("b24pysdk.api.callers.call_method")
caller._MethodCaller._base_url = property(lambda self: f"http://{self._domain}/rest")

domain, token = sys.argv[1], sys.argv[2]
client = Client(BitrixWebhook(domain=domain, webhook_token=token))

revision = client.imopenlines.revision.get().result
assert revision == {"rest": 2, "web": 1, "mobile": 1}, revision
print("imopenlines.revision.get ->", revision)

lines = client.imopenlines.config.list.get().result
assert [line["ID"] for line in lines][:2] == ["1", "2"], lines
print("imopenlines.config.list.get ->", [(line["ID"], line["LINE_NAME"]) for line in lines])
