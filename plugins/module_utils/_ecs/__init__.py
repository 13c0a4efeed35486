# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private engine of driftless.ecs. Not a public API: modules of this collection only.

One line a file, by layer, lowest first. A file imports only from its own layer or lower; no orchestration file
imports another; nothing below the API layer loads botocore (tests/unit/.../test_layers.py holds all of this).
docs/design.md tells why.

Foundation (pure, no botocore):
  exceptions.py          AnsibleECSError, ECSValidationError, ECSTimeoutError
  vocabulary.py          strategies, rollout states, service deployment statuses and stages, name patterns, ARNs
  tags.py                ECS tags as a dict, as a list, and what to tag and untag
  waiting.py             the Clock and the one polling loop
  parallel.py            independent reads side by side, eight at a time
  diff.py                differences between two canonical documents
  images.py              image references
  args.py                every module's argument spec, from shared fragments
  plain.py               Ansible's lazy template values as plain data, for the filter plugins
Knowledge (pure, no botocore):
  shapes.py              typing a document through a botocore request shape, unknown fields named
  taskdef_input.py       a task definition in any shape users keep (request, described, CLI answer)
  taskdef_normalize.py   a declared or described task definition in one canonical shape
  taskdef_rules.py       the cross-field rules of RegisterTaskDefinition (essential, memory, ports, dependsOn, tags)
  taskdef_validate.py    reject a declared task definition before any call
  taskdef_compare.py     the images to run, and what differs from the live revision
  service_rules.py       the cross-option rules of CreateService/UpdateService, and the wait options' ranges
  service_normalize.py   declared options and a described service in one comparable shape
  service_compare.py     what a run must do to one service, as a plan
  rolling_deployments.py where a rolling deployment stands, from DescribeServices
  native_deployments.py  where a blue/green, linear or canary deployment stands; the Tracker
  load_balancer_plan.py  ecs_load_balancers and a service's reference to one, checked; what ecs_load_balancers does
  declarations.py        the ecs_services declaration the roles share, resolved and checked
  deploy_plan.py         the deploy role's module requests and summary
  policy.py              the deployer's least-privilege IAM policy
  verify_plan.py         what new revisions need in AWS (images, roles, secrets, log groups, target groups)
  adoption.py            the declaration and task-definition file of a service that already runs
  task_run_plan.py       one-off tasks: RunTask requests from runs, and a verdict from DescribeTasks
  iam_role_plan.py       IAM roles: declared roles checked, policy documents compared, the writes a role needs
  bootstrap_roles.py     the IAM roles bootstrap makes for the service plans (execution, task, infrastructure, extra)
  log_group_plan.py      CloudWatch Logs log groups: declared ones checked, read by folder, what to write
  cluster_plan.py        clusters: which are missing, their CreateCluster, which declared services they hold
  failure_reasons.py     why a rollout failed: stopped tasks, exit codes, target health, the most telling reason
  schedule_plan.py       scheduled tasks: schedules and their role resolved, cron/rate checked, Scheduler requests
  repository_plan.py     ECR repositories declared: checks, lifecycle, pull and push policies, the push role
  scaling_plan.py        a service's autoscaling: checked, its requests, what differs, the suspended state
API (the only code that calls boto3):
  api.py                 one function per AWS call, each with its retry policy and error handler
Following (calls the API for the orchestration):
  following.py           native deployments followed with batched reads; listener rule weights
  verification.py        ask AWS for what new revisions need, before a deploy writes
Orchestration (one file a module; none imports another):
  taskdef_live.py        ecs_taskdef_live
  taskdef_prune.py       ecs_taskdef_prune
  live_info.py           ecs_service_live_info
  service_rollout.py     ecs_service_rollout
  service_deployment.py  ecs_service_deployment
  adopt.py               ecs_service_adopt_info
  task_run.py            ecs_task_run
  schedules.py           ecs_schedules
  repositories.py        ecs_repositories
  service_scaling.py     ecs_service_scaling
  account_info.py        ecs_account_info
  iam_roles.py           ecs_iam_roles
  log_groups.py          ecs_log_groups
  load_balancers.py      ecs_load_balancers
  clusters.py            ecs_clusters
Entry (imported by plugins/modules only):
  entry.py               build the clients, run, exit with the result or fail with the partial result; the same
                         in the worker process, for the action plugins on a local connection
"""
