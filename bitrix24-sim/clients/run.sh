#!/usr/bin/env bash
# Run Python clients from other projects, unmodified, against the simulator binary.
# Creates (or reuses) the venv /work/main/.venv-clients, installs fast_bitrix24 and b24pysdk from PyPI,
# starts `bitrix24-sim --port 0`, and runs one small script per client. Needs network access for pip.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
venv="$repo/.venv-clients"

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade fast_bitrix24 b24pysdk

cargo build --quiet -p bitrix24-sim --manifest-path "$repo/Cargo.toml"
out=$(mktemp)
"$repo/target/debug/bitrix24-sim" --port 0 >"$out" 2>/dev/null &
sim=$!
trap 'kill "$sim" 2>/dev/null; rm -f "$out"' EXIT

for _ in $(seq 100); do
    grep -q '^webhook: ' "$out" && break
    sleep 0.1
done
webhook=$(sed -n 's/^webhook: //p' "$out")
[ -n "$webhook" ] || { echo "the simulator did not print its webhook line" >&2; exit 1; }
echo "simulator: $webhook"

# http://127.0.0.1:PORT/rest/1/SECRET/ -> domain 127.0.0.1:PORT, token 1/SECRET
rest=${webhook#http://}
domain=${rest%%/*}
token=$(echo "$rest" | cut -d/ -f3-4)

status=0
echo "== fast_bitrix24 $("$venv/bin/pip" show fast_bitrix24 | sed -n 's/^Version: //p')"
"$venv/bin/python" "$here/fast_bitrix24_check.py" "$webhook" || status=1
echo "== b24pysdk $("$venv/bin/pip" show b24pysdk | sed -n 's/^Version: //p')"
"$venv/bin/python" "$here/b24pysdk_check.py" "$domain" "$token" || status=1
exit $status
