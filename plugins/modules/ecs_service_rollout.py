#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_service_rollout
short_description: Put ECS services on a task definition revision, follow the rollout, roll back on failure
version_added: 0.1.0
description:
  - Creates the ECS service when it is missing. Otherwise updates only the settings that differ from what is live,
    then follows the deployment to its end.
  - B(Only declared settings count.) A setting left unset is left as it is live. In particular, when
    O(desired_count) is not given the live count is kept and never sent, so the module never fights Application
    Auto Scaling or a manual scale. A service created without O(desired_count) gets 1 task.
  - Both sides are normalised before they are compared, so forms that mean the same are equal. A task definition
    ARN equals its C(family:revision). The defaults ECS fills in (C(maximumPercent) 200, C(minimumHealthyPercent)
    100, circuit breaker and alarms off, health check grace period 0, C(propagateTags) C(NONE), no execute command)
    equal the same values declared. The order of subnets, security groups, load balancers, service registries,
    placement constraints, capacity provider strategy items and alarm names does not count. The order of
    O(placement_strategy) counts.
  - Every setting that can be declared is compared, deployment, network, placement and capacity provider
    configuration included. A run with nothing to change makes no write, and a single DescribeServices call
    when O(task_definition) is an ARN or C(family:revision) already running.
  - The rollout is followed through its own deployment, found by its id, until its C(rolloutState) is
    C(COMPLETED). C(FAILED), a deployment that another one replaced, and a timeout are failures.
  - When the rollout fails or times out and O(rollback=true), the service is put back on the task definition it
    ran before this run changed it, that rollback is waited for, and the module fails reporting both deployments.
    If ECS's deployment circuit breaker rolls back by itself, the module detects it (the PRIMARY deployment is no
    longer the one it started), waits for that rollback and reports it. A rolled-back deployment is always a
    failure, never a success.
  - When a deployment started by someone else is still C(IN_PROGRESS), the module waits for it to finish
    (within O(wait_timeout)) before changing anything, instead of stacking a second deployment on top of it, and
    says so in RV(waited_for_deployment).
  - Bad input fails with a message naming the field before anything is written. That covers an unknown cluster,
    a task definition that does not exist, an C(awsvpc) task definition without O(network_configuration), a
    negative O(desired_count), O(launch_type) together with O(capacity_provider_strategy), and a change of
    O(launch_type) on an existing service.
  - O(services) manages many services in one task. Every change is made first, then every deployment is waited
    for together with batched DescribeServices calls (up to 10 services a call, per cluster), so N rollouts take
    about the time of one. Each service's outcome is reported in RV(results), and the failed ones are rolled
    back one by one.
  - Supports check mode (the plan and the predicted service, no write) and C(--diff) (before and after of the
    compared settings).
author:
  - driftless.ecs maintainers (@driftless)
options:
  cluster:
    description:
      - Name or ARN of the cluster.
      - Required, either here or in every item of O(services).
    type: str
  service:
    description:
      - Name of the service.
      - Required unless O(services) is given.
    type: str
    aliases: [name]
  state:
    description:
      - V(present) creates or updates the service and follows its rollout.
      - V(absent) deletes the service (scaling it to 0 first) and, with O(wait=true), waits until it is gone.
    type: str
    choices: [present, absent]
    default: present
  task_definition:
    description:
      - The task definition to run, as an ARN or C(family:revision), typically the C(task_definition_arn)
        returned by M(driftless.ecs.ecs_taskdef_live).
      - A bare family is accepted and means its newest ACTIVE revision; it costs one DescribeTaskDefinition call.
      - Required when O(state=present).
    type: str
  desired_count:
    description:
      - Number of tasks to run.
      - When not given, a new service gets 1 and an existing service keeps its live count, which is never sent.
    type: int
  launch_type:
    description:
      - Launch type of a new service. ECS cannot change it on an existing service; a different value is an error.
      - Mutually exclusive with O(capacity_provider_strategy).
    type: str
    choices: [EC2, FARGATE, EXTERNAL]
  capacity_provider_strategy:
    description:
      - Capacity provider strategy. Changing it starts a new deployment.
      - Mutually exclusive with O(launch_type).
    type: list
    elements: dict
    suboptions:
      capacity_provider:
        description: Name of the capacity provider.
        type: str
        required: true
      weight:
        description: Relative weight (ECS default 0).
        type: int
      base:
        description: Minimum number of tasks on this provider (ECS default 0).
        type: int
  platform_version:
    description: Fargate platform version, for example V(LATEST) or V(1.4.0).
    type: str
  network_configuration:
    description:
      - The awsvpc network configuration. Needed when the task definition uses the C(awsvpc) network mode.
      - A suboption left unset keeps its live value.
    type: dict
    suboptions:
      subnets:
        description: Subnet IDs. Order does not count.
        type: list
        elements: str
      security_groups:
        description: Security group IDs. Order does not count.
        type: list
        elements: str
      assign_public_ip:
        description: Whether tasks get a public IP (ECS default V(false)).
        type: bool
  load_balancers:
    description:
      - The complete list of load balancers of the service. Order does not count.
      - Give exactly one of O(load_balancers[].target_group_arn) and O(load_balancers[].load_balancer_name) per item.
    type: list
    elements: dict
    suboptions:
      target_group_arn:
        description: ARN of the target group (Application or Network Load Balancer).
        type: str
      load_balancer_name:
        description: Name of a Classic Load Balancer.
        type: str
      container_name:
        description: Container that receives the traffic.
        type: str
        required: true
      container_port:
        description: Port of that container.
        type: int
        required: true
      advanced_configuration:
        description:
          - For a blue/green, linear or canary service (O(deployment_configuration.strategy)), the second target
            group and the listener rules whose weights ECS shifts between the two.
        type: dict
        suboptions:
          alternate_target_group_arn:
            description: The second target group, behind which every other deployment goes.
            type: str
            required: true
          production_listener_rule:
            description: ARN of the listener rule that forwards production traffic to both target groups.
            type: str
            required: true
          test_listener_rule:
            description: ARN of a listener rule for test traffic, shifted first.
            type: str
          role_arn:
            description:
              - Infrastructure role that lets ECS change the rules. It trusts C(ecs.amazonaws.com) and holds the
                managed policy C(AmazonECSInfrastructureRolePolicyForLoadBalancers).
            type: str
            required: true
  service_registries:
    description: The complete list of service discovery registries. Order does not count.
    type: list
    elements: dict
    suboptions:
      registry_arn:
        description: ARN of the Cloud Map service.
        type: str
        required: true
      port:
        description: Port for SRV records.
        type: int
      container_name:
        description: Container for SRV records.
        type: str
      container_port:
        description: Container port for SRV records.
        type: int
  health_check_grace_period_seconds:
    description: Seconds load balancer health checks are ignored after a task starts (ECS default 0).
    type: int
  deployment_configuration:
    description:
      - How tasks are replaced during a deployment. A suboption left unset keeps its live value.
    type: dict
    suboptions:
      maximum_percent:
        description: Upper limit of running tasks, in percent of the desired count (ECS default 200).
        type: int
      minimum_healthy_percent:
        description: Lower limit of healthy tasks, in percent of the desired count (ECS default 100).
        type: int
      deployment_circuit_breaker:
        description:
          - ECS's deployment circuit breaker. It fails a deployment whose tasks keep failing to start and, with
            O(deployment_configuration.deployment_circuit_breaker.rollback=true), rolls back to the last deployment
            that completed. The module detects and reports such a rollback as a failure.
        type: dict
        suboptions:
          enable:
            description: Turn the circuit breaker on.
            type: bool
            required: true
          rollback:
            description: Let ECS roll back a failed deployment.
            type: bool
            required: true
      alarms:
        description: CloudWatch alarms that fail a deployment.
        type: dict
        suboptions:
          alarm_names:
            description: Names of the alarms. Order does not count.
            type: list
            elements: str
            required: true
          enable:
            description: Use the alarms.
            type: bool
            required: true
          rollback:
            description: Let ECS roll back when an alarm fires.
            type: bool
            required: true
      strategy:
        description:
          - How ECS deploys (ECS default V(ROLLING)). V(BLUE_GREEN) runs the new revision beside the old one and
            shifts all production traffic in one step; V(CANARY) shifts
            O(deployment_configuration.canary_configuration.canary_percent) first, then the rest; V(LINEAR) shifts
            O(deployment_configuration.linear_configuration.step_percent) at a time. The three need
            O(load_balancers[].advanced_configuration).
          - A deployment with one of the three is followed by its service deployment ARN; see O(wait_until).
          - A new strategy takes effect with the next deployment.
        type: str
        choices: [ROLLING, BLUE_GREEN, LINEAR, CANARY]
      bake_time_in_minutes:
        description: Minutes both revisions keep running after the whole traffic shift, before the old one goes.
        type: int
      lifecycle_hooks:
        description:
          - The complete, ordered list of lifecycle hooks, run at the lifecycle stages they name.
          - A V(AWS_LAMBDA) hook that answers FAILED rolls the deployment back. A V(PAUSE) hook waits until
            M(driftless.ecs.ecs_service_deployment) continues or rolls back the deployment, or until its timeout.
        type: list
        elements: dict
        suboptions:
          target_type:
            description: V(AWS_LAMBDA) or V(PAUSE).
            type: str
            choices: [AWS_LAMBDA, PAUSE]
          hook_target_arn:
            description: ARN of the Lambda function (for V(AWS_LAMBDA)).
            type: str
          role_arn:
            description: Role ECS uses to invoke the function.
            type: str
          lifecycle_stages:
            description: Stages the hook runs at, for example V(POST_SCALE_UP) or V(PRE_PRODUCTION_TRAFFIC_SHIFT).
            type: list
            elements: str
            required: true
          hook_details:
            description: Any JSON value passed to the hook as it is. Compared as written.
            type: raw
          timeout_configuration:
            description: How long a hook may take, and what happens then.
            type: dict
            suboptions:
              timeout_in_minutes:
                description: Minutes before the timeout action.
                type: int
              action:
                description: V(ROLLBACK) (the ECS default) or V(CONTINUE).
                type: str
                choices: [CONTINUE, ROLLBACK]
      linear_configuration:
        description: Steps of a V(LINEAR) deployment.
        type: dict
        suboptions:
          step_percent:
            description: Percent of production traffic shifted at each step.
            type: float
            required: true
          step_bake_time_in_minutes:
            description: Minutes to wait after each step.
            type: int
      canary_configuration:
        description: The canary step of a V(CANARY) deployment.
        type: dict
        suboptions:
          canary_percent:
            description: Percent of production traffic the canary gets first.
            type: float
            required: true
          canary_bake_time_in_minutes:
            description: Minutes to wait at the canary step before shifting the rest.
            type: int
      early_success_criteria:
        description:
          - A V(ROLLING) deployment that ECS declares successful once
            O(deployment_configuration.early_success_criteria.healthy_percent) of the desired count is healthy on the
            new revision, instead of once the service fully stabilizes.
          - The module follows it by its id and takes ECS's word; with V(DEFERRED) cleanup the result says
            RV(completed_early) while the old tasks are still being removed.
        type: dict
        suboptions:
          enable:
            description: Use early success criteria (ECS default V(false)).
            type: bool
            required: true
          healthy_percent:
            description:
              - Percent of the desired count, 0 to 100, at least
                O(deployment_configuration.minimum_healthy_percent). Required when enabled.
            type: int
          source_service_revision_cleanup:
            description:
              - When the old revision's tasks go. V(BLOCKING) removes them before the deployment succeeds;
                V(DEFERRED) declares success first and removes them afterwards. Required when enabled.
            type: str
            choices: [BLOCKING, DEFERRED]
  deployment_controller:
    description:
      - The deployment controller. Only V(ECS) deployments are followed; the blue/green, linear and canary
        strategies need it.
    type: dict
    suboptions:
      type:
        description: Controller type (ECS default V(ECS)).
        type: str
        required: true
        choices: [ECS, CODE_DEPLOY, EXTERNAL]
  placement_constraints:
    description: The complete list of placement constraints. Order does not count.
    type: list
    elements: dict
    suboptions:
      type:
        description: Constraint type.
        type: str
        required: true
        choices: [distinctInstance, memberOf]
      expression:
        description: Cluster query language expression (for V(memberOf)).
        type: str
  placement_strategy:
    description: The complete, ordered list of placement strategies.
    type: list
    elements: dict
    suboptions:
      type:
        description: Strategy type.
        type: str
        required: true
        choices: [random, spread, binpack]
      field:
        description: Field the strategy applies to, for example V(memory) or V(attribute:ecs.availability-zone).
        type: str
  enable_execute_command:
    description: Allow ECS Exec into the service's tasks (ECS default V(false)).
    type: bool
  enable_ecs_managed_tags:
    description: Let ECS tag the service's tasks with the cluster and service names (ECS default V(false)).
    type: bool
  availability_zone_rebalancing:
    description:
      - Let ECS move tasks to balance them across Availability Zones.
      - ECS sets V(ENABLED) on a new service that does not say; an older service that never set it counts as
        V(DISABLED). Compared only when declared, as every setting.
    type: str
    choices: [ENABLED, DISABLED]
  scheduling_strategy:
    description:
      - V(REPLICA) (ECS default) keeps O(desired_count) tasks; V(DAEMON) runs one task on each container instance.
      - Set at creation only; declaring another value than the live one is an error before any write.
      - A DAEMON service takes no O(desired_count) and runs on EC2 instances only, without a O(placement_strategy)
        and with the ECS deployment controller and the ROLLING strategy.
    type: str
    choices: [REPLICA, DAEMON]
  role:
    description:
      - The IAM role (name or ARN) that lets ECS register a service's tasks with its load balancer, for a task
        definition that does not use the awsvpc network mode. Without it, ECS uses its service-linked role.
      - Set at creation only; declaring another role than the live one is an error before any write.
    type: str
  propagate_tags:
    description: Where tasks take their tags from (ECS default V(NONE)).
    type: str
    choices: [TASK_DEFINITION, SERVICE, NONE]
  service_connect_configuration:
    description:
      - Service Connect of the service, as ECS's C(serviceConnectConfiguration).
      - ECS reports it on the service's deployments; it is compared with the primary deployment's, declared leaves
        only.
      - 'Port names must be named port mappings of the task definition: checked before any write.'
    type: dict
    suboptions:
      enabled:
        description: Whether the service uses Service Connect.
        type: bool
        required: true
      namespace:
        description:
          - The Cloud Map namespace, by name or ARN (the cluster's default namespace when unset).
          - 'ECS reports the namespace by ARN, whose id does not carry the name: a name is taken as the live
            namespace. Declare the ARN to have a move to another namespace detected.'
        type: str
      services:
        description: The ports this service offers to the namespace (client-only when empty).
        type: list
        elements: dict
        suboptions:
          port_name:
            description: 'The name of a port mapping of the task definition: checked before any write.'
            type: str
            required: true
          discovery_name:
            description: The name other services discover (the port name when unset).
            type: str
          client_aliases:
            description: The names and ports clients use.
            type: list
            elements: dict
            suboptions:
              port:
                description: The port clients connect to.
                type: int
                required: true
              dns_name:
                description: The DNS name clients use (the discovery name and namespace when unset).
                type: str
              test_traffic_rules:
                description: Rules that route test traffic during a blue/green deployment.
                type: dict
                suboptions:
                  header:
                    description: The HTTP header that marks test traffic.
                    type: dict
                    required: true
                    suboptions:
                      name:
                        description: The header's name.
                        type: str
                        required: true
                      value:
                        description: The header's value to match.
                        type: dict
                        suboptions:
                          exact:
                            description: The exact value.
                            type: str
                            required: true
          ingress_port_override:
            description: The port the Service Connect proxy listens on.
            type: int
          timeout:
            description: Timeouts of the proxy.
            type: dict
            suboptions:
              idle_timeout_seconds:
                description: How long a connection may stay idle.
                type: int
              per_request_timeout_seconds:
                description: How long one request may take.
                type: int
          tls:
            description: TLS between Service Connect proxies.
            type: dict
            suboptions:
              issuer_certificate_authority:
                description: The certificate authority that signs the certificates.
                type: dict
                required: true
                suboptions:
                  aws_pca_authority_arn:
                    description: The ARN of the AWS Private CA.
                    type: str
              kms_key:
                description: The KMS key that protects the private key.
                type: str
              role_arn:
                description: The role ECS uses for the certificates.
                type: str
      log_configuration:
        description: Logging of the Service Connect proxy container.
        type: dict
        suboptions:
          log_driver:
            description: The log driver.
            type: str
            required: true
            choices: [json-file, syslog, journald, gelf, fluentd, awslogs, splunk, awsfirelens]
          options:
            description: The driver's options; keys are sent as written.
            type: dict
          secret_options:
            description: Secrets passed to the log driver, by reference.
            type: list
            elements: dict
            suboptions:
              name:
                description: The option's name.
                type: str
                required: true
              value_from:
                description: The secret's ARN (Secrets Manager or SSM); its value is never read.
                type: str
                required: true
      access_log_configuration:
        description: Access logs of the Service Connect proxy.
        type: dict
        suboptions:
          format:
            description: The access log format.
            type: str
            required: true
            choices: [TEXT, JSON]
          include_query_parameters:
            description: Whether query parameters are logged.
            type: str
            choices: [DISABLED, ENABLED]
      container_configurations:
        description: Settings of the Service Connect proxy container.
        type: list
        elements: dict
        suboptions:
          log_level:
            description: The proxy's log level.
            type: str
            choices: [debug, info]
  volume_configurations:
    description:
      - Amazon EBS volumes ECS creates for each task, as ECS's C(volumeConfigurations).
      - 'Each names a task-definition volume with C(configuredAtLaunch) true: checked before any write.'
      - ECS reports them on the service's deployments; compared declared leaves only.
    type: list
    elements: dict
    suboptions:
      name:
        description: The task-definition volume this configures.
        type: str
        required: true
      managed_ebs_volume:
        description: The EBS volume ECS creates and attaches.
        type: dict
        suboptions:
          encrypted:
            description: Whether the volume is encrypted.
            type: bool
          kms_key_id:
            description: The KMS key that encrypts the volume.
            type: str
          volume_type:
            description: The EBS volume type, for example V(gp3).
            type: str
          size_in_gib:
            description: The size, in GiB (C(sizeInGiB) in ECS).
            type: int
          snapshot_id:
            description: The snapshot the volume is created from.
            type: str
          volume_initialization_rate:
            description: The rate, in MiB/s, at which a volume made from a snapshot is initialised.
            type: int
          iops:
            description: Provisioned IOPS.
            type: int
          throughput:
            description: Throughput in MiB/s (gp3).
            type: int
          tag_specifications:
            description: Tags of the created volumes.
            type: list
            elements: dict
            suboptions:
              resource_type:
                description: What is tagged.
                type: str
                required: true
                choices: [volume]
              tags:
                description: The tags, as key and value pairs.
                type: list
                elements: dict
                suboptions:
                  key:
                    description: The tag's key.
                    type: str
                  value:
                    description: The tag's value.
                    type: str
              propagate_tags:
                description: Where the volume takes more tags from.
                type: str
                choices: [TASK_DEFINITION, SERVICE, NONE]
          role_arn:
            description: The infrastructure role ECS uses to manage the volume.
            type: str
            required: true
          filesystem_type:
            description: The file system on the volume.
            type: str
            choices: [ext3, ext4, xfs, ntfs]
  vpc_lattice_configurations:
    description:
      - VPC Lattice target groups the service's tasks register with, as ECS's C(vpcLatticeConfigurations).
      - ECS reports them on the service's deployments; compared declared leaves only.
    type: list
    elements: dict
    suboptions:
      role_arn:
        description: The infrastructure role ECS uses to register the tasks.
        type: str
        required: true
      target_group_arn:
        description: The VPC Lattice target group.
        type: str
        required: true
      port_name:
        description: 'A named port mapping of the task definition: checked before any write.'
        type: str
        required: true
      advanced_configuration:
        description: The second target group and rules of a blue/green deployment.
        type: dict
        suboptions:
          alternate_target_group_arn:
            description: The second target group.
            type: str
          production_listener_rule:
            description: The rule that sends production traffic.
            type: str
          test_listener_rule:
            description: The rule that sends test traffic.
            type: str
  monitoring:
    description:
      - Metrics ECS collects for the service at a finer resolution, as ECS's C(monitoring).
      - 'ECS reports it on service revisions only: when declared, the module reads the service''s current revision
        (one DescribeServiceRevisions for all such services).'
    type: dict
    suboptions:
      metric_configurations:
        description: Sets of metrics and their resolution.
        type: list
        elements: dict
        suboptions:
          metric_names:
            description: The metrics (one to five).
            type: list
            elements: str
            required: true
          resolution_seconds:
            description: The resolution, in seconds.
            type: int
            required: true
            choices: [20, 60]
  gateway_connectors:
    description:
      - Gateway connectors of the service, as ECS's C(gatewayConnectors).
      - 'ECS reports them on service revisions only: when declared, the module reads the service''s current revision.'
    type: list
    elements: dict
    suboptions:
      port_name:
        description: 'A named port mapping of the task definition: checked before any write.'
        type: str
        required: true
      health_check:
        description: The gateway's health check of the tasks.
        type: dict
        suboptions:
          health_check_protocol:
            description: The protocol.
            type: str
            choices: [HTTP, HTTPS]
          health_check_port:
            description: The port.
            type: int
          health_check_path:
            description: The path of an HTTP or HTTPS check.
            type: str
          health_check_timeout_seconds:
            description: How long a check may take.
            type: int
          health_check_interval_seconds:
            description: Time between checks.
            type: int
          healthy_threshold_count:
            description: Passed checks before a task is healthy.
            type: int
          unhealthy_threshold_count:
            description: Failed checks before a task is unhealthy.
            type: int
          matcher:
            description: The answers that count as healthy.
            type: dict
            suboptions:
              http_code:
                description: HTTP codes, for example V(200-299).
                type: str
              grpc_code:
                description: gRPC codes.
                type: str
      filters:
        description: What traffic the connector accepts.
        type: dict
        suboptions:
          access_types:
            description: The access types.
            type: list
            elements: str
      deregistration_delay:
        description: How long a task drains before it is removed.
        type: dict
        suboptions:
          timeout_seconds:
            description: The delay, in seconds.
            type: int
  tags:
    description:
      - The complete set of tags of the service. Tags not listed are removed; tags whose key starts with
        C(aws:) belong to AWS and are left alone. Keys are never transformed.
      - Tags are changed with TagResource and UntagResource and start no deployment.
    type: dict
  force_new_deployment:
    description:
      - Start a new deployment even though nothing else differs, for example to pull an image re-pushed under a
        mutable tag or a rotated secret. Always reports a change.
    type: bool
    default: false
  services:
    description:
      - Manage many services in one task. Each item takes the per-service options of this module (O(cluster),
        O(service), O(state), O(task_definition), O(desired_count) and every service setting above,
        O(force_new_deployment) included) with the same meaning. An option an item leaves unset takes the
        top-level value, so settings common to all services (cluster, network configuration, deployment
        configuration) can be written once.
      - All changes are made first; then all deployments are waited for together, with one DescribeServices call
        per cluster and 10 services. A run where nothing changes makes only those batched DescribeServices calls.
      - Every item is validated and read before anything is written.
      - Mutually exclusive with O(service).
    type: list
    elements: dict
  rollback:
    description:
      - When the rollout fails or times out, put the service back on the task definition it ran before this run
        and wait for that (up to another O(wait_timeout)). The module fails either way.
      - A new service has nothing to roll back to. A deployment replaced by someone else's is not rolled back.
      - A rollback made by ECS's circuit breaker is followed and reported whatever this option says.
      - For BLUE_GREEN, LINEAR and CANARY services the rollback is ECS's own StopServiceDeployment with stop type
        ROLLBACK (production traffic goes straight back to the old revision; nothing is registered or deployed).
        The module asks for it when the wait runs out, and as soon as it sees a failure ECS has not acted on yet
        (a lifecycle hook that answered FAILED or timed out into a rollback, a triggered circuit breaker or alarm).
    type: bool
    default: true
  release:
    description:
      - With O(services), how the services of the run stand together.
      - C(independent) - each service succeeds or fails on its own.
      - C(all_or_nothing) - when any service fails its rollout (or its UpdateService), every other service this run
        moved is put back. A BLUE_GREEN, LINEAR or CANARY deployment still running (in its bake time, or left at
        O(wait_until)) is stopped with a rollback (StopServiceDeployment ROLLBACK); any other moved service is
        updated back to the task definition it ran before and followed like any rollout. Services the run did not
        move are not touched. Each result's C(put_back) says what was done and how it ended; a put-back that fails
        fails that service too, and is never hidden.
    type: str
    choices: [independent, all_or_nothing]
    default: independent
  log_lines:
    description:
      - When a rollout fails, how many of the last log lines of one failed container to read (C(awslogs) driver, from
        the group, region and stream prefix of its log configuration) and report in RV(failure_details). V(0) reads
        none.
    type: int
    default: 50
  wait:
    description:
      - Follow the deployment to its end. With V(false) the module returns as soon as the deployment has started,
        and neither failure nor rollback can be seen.
      - Check mode never waits.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds the whole run may wait, for a deployment already in progress and for the rollout together.
    type: int
    default: 600
  poll_interval:
    description:
      - Seconds between two DescribeServices calls while waiting. The first check is immediate, so the module
        returns at most one interval after the deployment completed.
    type: float
    default: 5.0
  wait_until:
    description:
      - For a service on V(BLUE_GREEN), V(LINEAR) or V(CANARY), when the module stops waiting.
      - V(completed) waits for the end of the service deployment. C(SUCCESSFUL) is success; C(ROLLBACK_SUCCESSFUL),
        C(ROLLBACK_FAILED) and C(STOPPED) are failures, however the service ends up. On timeout with
        O(rollback=true) the module calls StopServiceDeployment with a rollback (nothing else is registered or
        deployed) and waits for it.
      - A lifecycle stage name, for example V(BAKE_TIME) or V(PRE_PRODUCTION_TRAFFIC_SHIFT), returns as soon as the
        deployment has reached that stage (or a later one), so a CI job need not wait out a long bake time. The
        module fails if the deployment rolls back before.
      - Stage names ECS adds later are accepted. Rolling deployments always wait for completion.
    type: str
    default: completed
notes:
  - Rolling, blue/green, linear and canary deployments of the ECS deployment controller are followed;
    CODE_DEPLOY and EXTERNAL controllers are not.
  - For blue/green, linear and canary services, also needs C(ecs:ListServiceDeployments),
    C(ecs:DescribeServiceDeployments) and C(ecs:StopServiceDeployment), and C(elasticloadbalancing:DescribeRules)
    to report RV(traffic) (without it, RV(traffic) is null).
  - Needs C(ecs:DescribeServices), C(ecs:DescribeClusters), C(ecs:DescribeTaskDefinition), C(ecs:CreateService),
    C(ecs:UpdateService), C(ecs:DeleteService), C(ecs:TagResource), C(ecs:UntagResource) and C(iam:PassRole) on the
    task and execution roles.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - driftless.ecs.boto3
"""

EXAMPLES = r"""
- name: Resolve the revision to run (registers only on real change)
  driftless.ecs.ecs_taskdef_live:
    cluster: prod
    service: web
    task_definition: "{{ lookup('file', 'web-taskdef.json') | from_json }}"
    images:
      web: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:{{ release }}"
  register: web_taskdef

- name: Deploy it, wait for the rollout, roll back if it fails
  driftless.ecs.ecs_service_rollout:
    cluster: prod
    service: web
    task_definition: "{{ web_taskdef.task_definition_arn }}"
    launch_type: FARGATE
    network_configuration:
      subnets: [subnet-0a1b2c3d, subnet-4e5f6a7b]
      security_groups: [sg-0123456789abcdef0]
    load_balancers:
      - target_group_arn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef
        container_name: web
        container_port: 8080
    deployment_configuration:
      minimum_healthy_percent: 100
      maximum_percent: 200
      deployment_circuit_breaker:
        enable: true
        rollback: true
    wait_timeout: 900

# desired_count is not given: the count Application Auto Scaling set is kept.
- name: Change only the image of a service, leaving every other setting as it is
  driftless.ecs.ecs_service_rollout:
    cluster: prod
    service: worker
    task_definition: worker:42

# Many services: start every rollout, then wait for all of them together.
- name: Resolve the revision of every service of the release
  driftless.ecs.ecs_taskdef_live:
    definitions:
      - cluster: prod
        service: web
        task_definition: "{{ lookup('file', 'web-taskdef.json') | from_json }}"
      - cluster: prod
        service: worker
        task_definition: "{{ lookup('file', 'worker-taskdef.json') | from_json }}"
  register: taskdefs

- name: Deploy them together
  driftless.ecs.ecs_service_rollout:
    cluster: prod
    network_configuration:
      subnets: [subnet-0a1b2c3d, subnet-4e5f6a7b]
      security_groups: [sg-0123456789abcdef0]
    services: >-
      {% set items = [] %}{% for td in taskdefs.results %}{% set _ = items.append(
        {'service': td.service, 'task_definition': td.task_definition_arn}) %}{% endfor %}{{ items }}
  register: release

- name: The same, written out
  driftless.ecs.ecs_service_rollout:
    cluster: prod
    wait_timeout: 1200
    services:
      - service: web
        task_definition: "{{ web_taskdef.task_definition_arn }}"
      - service: worker
        task_definition: worker:42
        desired_count: 4

      - service: scheduler
        cluster: batch
        task_definition: scheduler:7
  register: release

- name: Show each service's outcome
  ansible.builtin.debug:
    msg: "{{ item.service_name }}: {{ item.rollout_state }} (rolled back: {{ item.rolled_back }})"
  loop: "{{ release.results }}"

# Start the rollouts, do other work, come back later.
- name: Start the deployment without waiting for it
  driftless.ecs.ecs_service_rollout:
    cluster: prod
    service: web
    task_definition: "{{ web_taskdef.task_definition_arn }}"
    wait: false

- name: Preview what a deploy would change
  driftless.ecs.ecs_service_rollout:
    cluster: prod
    service: web
    task_definition: web:43
  check_mode: true
  diff: true

- name: Remove a service
  driftless.ecs.ecs_service_rollout:
    cluster: prod
    service: old-api
    state: absent

# Blue/green: ECS starts the new revision behind the alternate target group, moves all production traffic to it at
# once, bakes for 10 minutes, and rolls back by itself if a hook fails or an alarm triggers during the bake.
- name: Deploy web blue/green and follow the service deployment to its end
  driftless.ecs.ecs_service_rollout:
    cluster: prod
    service: web
    task_definition: "{{ web_taskdef.task_definition_arn }}"
    load_balancers:
      - target_group_arn: "{{ web_blue_target_group_arn }}"
        container_name: web
        container_port: 8080
        advanced_configuration:
          alternate_target_group_arn: "{{ web_green_target_group_arn }}"
          production_listener_rule: "{{ web_production_rule_arn }}"   # forwards to both groups, 100/0 at first
          role_arn: arn:aws:iam::123456789012:role/web-ecs-infrastructure
    deployment_configuration:
      strategy: BLUE_GREEN
      bake_time_in_minutes: 10
    wait_timeout: 1800
  register: web_release

- name: Show the stages ECS went through and where traffic ended
  ansible.builtin.debug:
    msg: "{{ web_release.lifecycle_stages | map(attribute='stage') | list }} / {{ web_release.traffic }}"

# Canary (its load balancer set up like web's above): 10% of production traffic for 15 minutes, then the rest.
# A PAUSE hook holds the deployment before any production traffic moves, until someone approves it
# (driftless.ecs.ecs_service_deployment action=continue). wait_until returns as soon as the deployment is held
# there, so a CI job does not wait for a person.
- name: Deploy api as a canary, up to the approval
  driftless.ecs.ecs_service_rollout:
    cluster: prod
    service: api
    task_definition: "{{ api_taskdef.task_definition_arn }}"
    deployment_configuration:
      strategy: CANARY
      canary_configuration:
        canary_percent: 10
        canary_bake_time_in_minutes: 15
      lifecycle_hooks:
        - target_type: PAUSE
          lifecycle_stages: [PRE_PRODUCTION_TRAFFIC_SHIFT]
          timeout_configuration:
            timeout_in_minutes: 120
            action: ROLLBACK
    wait_until: PRE_PRODUCTION_TRAFFIC_SHIFT

- name: After the approval, let it go on and wait for the end
  driftless.ecs.ecs_service_deployment:
    cluster: prod
    service: api
    action: continue
    wait: true
    wait_timeout: 3600
"""

RETURN = r"""
changed:
  description: Whether a declared setting differed from what was live (or O(force_new_deployment) was set).
  returned: always
  type: bool
service:
  description:
    - The service after the run, as DescribeServices returns it, in snake_case, with C(tags) as a dict and times as
      ISO 8601 strings. In check mode, the predicted service.
    - Without the service's event history (ECS keeps its last hundred events); the events that appeared during the
      run are in RV(events).
  returned: always (None when the service does not exist)
  type: dict
  sample:
    service_name: web
    status: ACTIVE
    task_definition: arn:aws:ecs:eu-west-1:123456789012:task-definition/web:43
    desired_count: 2
    running_count: 2
    deployments:
      - id: ecs-svc/1234567890123456789
        status: PRIMARY
        rollout_state: COMPLETED
    tags:
      team: web
deployment_id:
  description:
    - Id of the deployment this run started, or of the PRIMARY deployment when it started none.
    - In check mode, None when a new deployment would start.
  returned: always
  type: str
  sample: ecs-svc/1234567890123456789
rollout_state:
  description:
    - C(rolloutState) of that deployment when the module returned. C(COMPLETED) on success, C(IN_PROGRESS) with
      O(wait=false) or on timeout, C(FAILED) when ECS failed it.
  returned: always
  type: str
  sample: COMPLETED
previous_task_definition_arn:
  description: The task definition the service ran before this run (None for a new service).
  returned: always
  type: str
  sample: arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42
rolled_back:
  description: Whether the service was rolled back to RV(previous_task_definition_arn). Only ever true on failure.
  returned: always
  type: bool
rolled_back_by:
  description: Who rolled back, V(ecs) (the deployment circuit breaker) or V(module).
  returned: always
  type: str
  sample: ecs
rollback_deployment_id:
  description: Id of the rollback deployment.
  returned: always
  type: str
rollback_rollout_state:
  description: Outcome of the rollback deployment (C(COMPLETED), C(FAILED) or C(TIMED_OUT)).
  returned: always
  type: str
service_deployment_arn:
  description: ARN of the service deployment this run started and followed.
  returned: for a service on BLUE_GREEN, LINEAR or CANARY that this run deployed
  type: str
  sample: arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/web/8gJgyhjXKmBD3kDbLfVjX
status:
  description: Last status of that service deployment, for example C(SUCCESSFUL), C(IN_PROGRESS) (with O(wait_until)
    a stage) or C(ROLLBACK_SUCCESSFUL).
  returned: for a service on BLUE_GREEN, LINEAR or CANARY that this run deployed
  type: str
lifecycle_stage:
  description: The lifecycle stage the deployment was last seen in.
  returned: for a service on BLUE_GREEN, LINEAR or CANARY that this run deployed
  type: str
lifecycle_stages:
  description: Each lifecycle stage seen, in order, with the time it was first seen. C(PRODUCTION_TRAFFIC_SHIFT)
    appears once per LINEAR or CANARY step, with C(production_weight), the percentage of production traffic ECS
    asked for the new revision at that step.
  returned: for a service on BLUE_GREEN, LINEAR or CANARY that this run deployed
  type: list
  elements: dict
  sample:
    - stage: SCALE_UP
      first_seen: "2025-01-01T12:00:05+00:00"
    - stage: PRODUCTION_TRAFFIC_SHIFT
      first_seen: "2025-01-01T12:01:05+00:00"
      production_weight: 10.0
failure_seen:
  description: A failure the module saw while the deployment still ran (a lifecycle hook that answered FAILED or
    timed out into a rollback, a triggered circuit breaker or alarm), for which it stopped the deployment with a
    rollback itself. Null otherwise.
  returned: for a service on BLUE_GREEN, LINEAR or CANARY that this run deployed
  type: str
traffic:
  description: The final weights per target group ARN of the production listener rules. Null when they cannot be
    read.
  returned: for a service on BLUE_GREEN, LINEAR or CANARY that this run deployed
  type: dict
  sample: {"arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-green/0123456789abcdef": 100}
rollback_reason:
  description: The reason ECS gave for the rollback of the service deployment.
  returned: for a service on BLUE_GREEN, LINEAR or CANARY that this run deployed
  type: str
waited_for_deployment:
  description: Whether a deployment already in progress (someone else's) was waited for before acting.
  returned: always
  type: bool
events:
  description: The service events that appeared during the run, oldest first.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 0b7c7e0f-1234-5678-9abc-def012345678
      created_at: "2025-01-01T12:00:00+00:00"
      message: (service web) has reached a steady state.
differences:
  description: Each compared setting that differed, with its ECS path and both values.
  returned: always
  type: list
  elements: dict
  sample:
    - path: taskDefinition
      before: web:42
      after: web:43
action:
  description: What the run did or would do, C(create), C(update), C(delete) or C(none).
  returned: always
  type: str
cluster:
  description: The cluster of the service.
  returned: always
  type: str
service_name:
  description: The name of the service.
  returned: always
  type: str
duration:
  description: Seconds the run took.
  returned: always
  type: float
  sample: 42.5
results:
  description:
    - With O(services), one result per item, in order, each with the keys above plus C(failed) and C(msg).
    - On a failed run, the results of every service, the successful ones included.
  returned: when O(services) is given
  type: list
  elements: dict
diff:
  description: Before and after of the compared (declared) settings. A list of them with O(services).
  returned: with C(--diff)
  type: raw
put_back:
  description:
    - With O(release=all_or_nothing), for a service this run moved and then put back because another one failed -
      C(action) (C(rolled back to web:4), or C(stopped its service deployment with a rollback)) and C(outcome)
      (the rollout state, or the service deployment's status, it ended in).
  returned: when the service was put back
  type: dict
  sample: {action: rolled back to web:4, outcome: COMPLETED}
completed_early:
  description:
    - The rolling deployment completed under early success criteria while the old revision's tasks were still
      being removed (V(DEFERRED) cleanup). C(completed_at) says when ECS declared it successful.
  returned: when it happened
  type: bool
  sample: true
completed_at:
  description: When ECS declared a deployment with early success criteria successful.
  returned: with RV(completed_early)
  type: str
failure_reason:
  description:
    - The most telling reason a failed or rolled-back rollout failed, also at the end of the failure message after
      C(why:) - a stop reason other than the generic one (C(CannotPullContainerError ...)), else an essential
      container's exit code with its last log line, else a target's health reason, else the service's last event.
    - A successful rollout makes no call for it.
  returned: when the rollout failed
  type: str
  sample: "container app exited 1: \"KeyError: 'DATABASE_URL'\""
failure_details:
  description:
    - What the reason was taken from - C(stopped_tasks) (up to 5 stopped tasks of the failed revision, each with
      C(stopped_reason), C(stop_code) and its containers' C(exit_code) and C(reason)), C(unhealthy_targets) (target
      group, target, state, reason and description from DescribeTargetHealth), and C(log_lines) of one failed
      container. The service events since the run began are in C(events).
  returned: when the rollout failed
  type: dict
"""


from ansible_collections.driftless.ecs.plugins.module_utils._ecs import args
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.entry import Definition
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.service_rollout import run

# On a local connection the action plugin of the same name runs MODULE in process (plugins/plugin_utils/in_process.py).
MODULE = Definition(args.ecs_service_rollout, run, clients=("elbv2",), lazy_clients=True)


def main() -> None:
    MODULE.main()


if __name__ == "__main__":
    main()
