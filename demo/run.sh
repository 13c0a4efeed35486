#!/usr/bin/env bash
# The demo: starts the local sandbox, runs demo.yml against it with the installed collection, stops the sandbox.
# Run it with `make demo`, which builds and installs the collection first.
set -euo pipefail
cd "$(dirname "$0")/.."

port="${SANDBOX_PORT:-5000}"
url="http://127.0.0.1:${port}"
install_root="${INSTALL_ROOT:-.cache/collections}"
log_dir=".cache/demo"
mkdir -p "$log_dir"
healthy() { python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$url/_sandbox/health" >/dev/null 2>&1; }

if healthy; then
  echo "Port $port already answers; stop what runs there or use: make demo SANDBOX_PORT=5055" >&2
  exit 1
fi

python -m sandbox --port "$port" >"$log_dir/sandbox.log" 2>&1 &
sandbox_pid=$!
stop_sandbox() { kill -TERM "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null || true; }
trap stop_sandbox EXIT

for _ in $(seq 1 100); do
  healthy && break
  kill -0 "$sandbox_pid" 2>/dev/null || { echo "the sandbox did not start; see $log_dir/sandbox.log" >&2; exit 1; }
  sleep 0.2
done
echo "Sandbox (moto with simulated ECS deployments) listening on $url"

export AWS_ENDPOINT_URL="$url" AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo-secret AWS_DEFAULT_REGION=us-east-1
export ANSIBLE_COLLECTIONS_PATH="$install_root" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=true
export ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_CALLBACK_RESULT_FORMAT=yaml ANSIBLE_DISPLAY_SKIPPED_HOSTS=false
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false

ansible-playbook -i localhost, -c local -e "ansible_python_interpreter=$(command -v python)" \
  -e "sandbox_url=$url" demo/demo.yml
