#!/usr/bin/env bash
# The demo: the whole driftless.ecs story against the local sandbox, with no AWS account.
# Run it with `make demo`, which builds and installs the collection first. It starts the sandbox, prepares it like
# an AWS account a team already has, runs the collection's playbooks step by step, and stops the sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."

port="${SANDBOX_PORT:-5000}"
url="http://127.0.0.1:${port}"
install_root="${INSTALL_ROOT:-.cache/collections}"
work=".cache/demo"
inventory="$work/inventory"
rm -rf "$work" && mkdir -p "$work"

healthy() { python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$url/_sandbox/health" >/dev/null 2>&1; }
control() { python -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), method="POST"), timeout=5)' "$url/_sandbox/$1" "$2"; }

if healthy; then
  echo "Port $port already answers; stop what runs there or use: make demo SANDBOX_PORT=5055" >&2
  exit 1
fi
# Every cluster has room for EC2 tasks (reports runs on EC2), as if an Auto Scaling group had registered instances.
python -m sandbox --port "$port" --ec2-capacity unlimited >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
stop_sandbox() { kill -TERM "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null || true; }
trap stop_sandbox EXIT
for _ in $(seq 1 100); do
  healthy && break
  kill -0 "$sandbox_pid" 2>/dev/null || { echo "the sandbox did not start; see $work/sandbox.log" >&2; exit 1; }
  sleep 0.2
done

export AWS_ENDPOINT_URL="$url" AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo-secret AWS_DEFAULT_REGION=us-east-1
export ANSIBLE_COLLECTIONS_PATH="$install_root" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=true
export ANSIBLE_CALLBACK_RESULT_FORMAT=yaml ANSIBLE_DISPLAY_SKIPPED_HOSTS=false ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_DEPRECATION_WARNINGS=false ANSIBLE_RETRY_FILES_ENABLED=false

# Bold headings on a terminal; plain text in a log or a pipe (and with NO_COLOR set).
if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() {
  printf '\n%s==> %s%s\n    %s\n\n' "$bold" "$1" "$plain" "$2"
}
play() { ansible-playbook -i "$inventory" "$@"; }

step "The sandbox" "moto's server on $url, with ECS rolling, blue/green, canary and linear deployments, circuit breakers and rollbacks simulated."
cp -r inventories/example "$inventory"
cp -r inventories/taskdefs "$work/taskdefs"     # beside the inventory, as reports' task_definition_file expects
mkdir -p "$inventory/host_vars"
ansible-playbook -i localhost, -c local -e "ansible_python_interpreter=$(command -v python)" \
  -e "demo_inventory_dir=$PWD/$inventory" demo/prepare.yml >"$work/prepare.log" \
  || { cat "$work/prepare.log"; exit 1; }
echo "    Made a VPC, subnets, a security group and an ALB listener in dev (account 123456789012) and prod"
echo "    (account 222222222222, reached through the role inventories/example assumes)."

step "1. Bootstrap dev" "Cluster, log groups, least-privilege IAM roles, the ALB target group and rule, the first revision with the bootstrap image, and the services."
play driftless.ecs.bootstrap -e target=dev

step "2. Deploy a new image of web" "CI passes the image it built; the worker and the sidecar keep what runs live."
play driftless.ecs.deploy -e target=dev -e deploy_service=web -e deploy_image=public.ecr.aws/nginx/nginx:1.28

step "3. Run the same deploy again" "Nothing to register, nothing to roll out: every task reports ok, the recap shows changed=0."
play driftless.ecs.deploy -e target=dev -e deploy_service=web -e deploy_image=public.ecr.aws/nginx/nginx:1.28

step "A scheduled task follows its service" "worker's nightly report is an EventBridge Scheduler schedule made by the bootstrap on worker's revision. A deploy of a new worker image moves it to the new revision; the deploys of web above left it alone."
schedule_revision() { python -c 'import boto3, sys; target = boto3.client("scheduler").get_schedule(Name=sys.argv[1])["Target"]; print("    nightly-report runs " + target["EcsParameters"]["TaskDefinitionArn"].rsplit("/", 1)[-1] + " " + target.get("Input", ""))' shop-dev-worker-nightly-report; }
schedule_revision
play driftless.ecs.deploy -e target=dev -e deploy_service=worker -e deploy_image=public.ecr.aws/docker/library/python:3.13-slim
schedule_revision

step "4. An outside pipeline deploys web out of band" "With plain boto3, the way ecs-deploy does: copy the live revision with a new image, register it, move the service."
python demo/outside_pipeline.py shop-dev web app public.ecr.aws/nginx/nginx:1.29-hotfix

step "5. Deploy again without an image" "The image the pipeline deployed runs live, so it is kept: nothing is registered, the service is not touched."
play driftless.ecs.deploy -e target=dev

step "6. Change an environment variable" "A real change: one new revision, which keeps the live image 1.29-hotfix, rolled out and followed to COMPLETED."
play driftless.ecs.deploy -e target=dev -e shop_log_level=debug

step "7. Deploy an image whose tasks fail" "The circuit breaker trips, ECS rolls back, and the deploy says so and fails: a rolled-back deploy is never a success."
control failing-images '{"patterns": ["*:broken*"]}'
if play driftless.ecs.deploy -e target=dev -e shop_log_level=debug -e deploy_service=web \
     -e deploy_image=public.ecr.aws/nginx/nginx:broken; then
  echo "the broken deploy should have failed" >&2
  exit 1
fi
control failing-images '{"patterns": []}'
echo "    As expected: the deploy failed, and web runs its previous revision again."

step "8. Blue/green: web moves its production traffic to the new revision" "web is declared BLUE_GREEN: ECS starts the new revision beside the old one behind the other target group, shifts the listener rule's weights in one step, bakes, then stops the old one."
# ECS spends seconds to minutes in each lifecycle stage; make the sandbox's last a little, so the summaries show them.
control config '{"stage_seconds": 0.4}'
python demo/listener_weights.py shop-dev web before
play driftless.ecs.deploy -e target=dev -e shop_log_level=debug -e deploy_service=web \
  -e deploy_image=public.ecr.aws/nginx/nginx:1.30 -e deploy_poll_interval=0.2
python demo/listener_weights.py shop-dev web after

step "9. A canary that waits for approval" "api is declared CANARY with a PAUSE hook before the production shift: the deploy returns at the pause (deploy_wait_until), a person (or an AWX approval node) looks, and lets it go on with driftless.ecs.ecs_service_deployment."
python demo/listener_weights.py shop-dev api before
play driftless.ecs.deploy -e target=dev -e shop_log_level=debug -e deploy_service=api \
  -e deploy_image=public.ecr.aws/nginx/nginx:1.30 -e deploy_wait_until=PRE_PRODUCTION_TRAFFIC_SHIFT -e deploy_poll_interval=0.2
python demo/listener_weights.py shop-dev api "paused, waiting for approval"
play demo/approve_canary.yml -e target=dev
python demo/listener_weights.py shop-dev api after

step "10. Promote dev to prod" "Bootstrap prod (another account), then promote exactly what runs in dev, by digest where there is one."
play driftless.ecs.bootstrap -e target=prod
# api deploys as a canary that pauses before production traffic moves: someone must let it go on (demo/approve_canary.yml).
play demo/approve_canary.yml -e target=prod >"$work/approve.log" 2>&1 &
approver_pid=$!
play driftless.ecs.promote -e promote_from=dev -e promote_to=prod -e promote_approve=true -e shop_log_level=debug
wait "$approver_pid" || { cat "$work/approve.log"; exit 1; }
echo "    api's canary paused before its production traffic shift, and was continued with driftless.ecs.ecs_service_deployment."

step "Done" "Every step above ran against the sandbox; sandbox calls: $(python -c 'import json, sys, urllib.request; calls = json.load(urllib.request.urlopen(sys.argv[1])); print(sum(v for k, v in calls.items() if isinstance(v, int)))' "$url/_sandbox/calls") AWS API calls."
