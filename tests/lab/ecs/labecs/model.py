"""The ECS objects (clusters, container instances, task definitions,
services with deployments, tasks with containers) and their AWS JSON forms.

Objects are plain Python objects; `to_json()` builds exactly the shape
DescribeX returns (botocore's service-2.json names), with timestamps as
epoch seconds.  One lock (World.lock) guards everything: API handlers and
the simulation thread (sim.py) both hold it while they read or change.
"""

import collections
import threading

from . import util

PENDING_STATES = ("PROVISIONING", "PENDING", "ACTIVATING")
AZS = ("a", "b", "c")


class Instance:
    def __init__(self, cluster, iid, ec2_id, az, itype, cpu, mem, created):
        self.cluster = cluster
        self.id = iid
        self.arn = cluster.world.arns.instance(cluster.name, iid)
        self.ec2_id = ec2_id
        self.az = az
        self.type = itype
        self.cpu = cpu
        self.mem = mem
        self.status = "ACTIVE"
        self.agent_connected = True
        self.registered_at = created
        self.version = 1
        self.tasks = set()     # ids of tasks placed here and not yet STOPPED
        self.status_reason = None

    def used(self):
        cpu = mem = 0
        for tid in self.tasks:
            t = self.cluster.tasks.get(tid)
            if t is not None:
                cpu += t.cpu
                mem += t.mem
        return cpu, mem

    def counts(self):
        running = pending = 0
        for tid in self.tasks:
            t = self.cluster.tasks.get(tid)
            if t is None:
                continue
            if t.last_status == "RUNNING":
                running += 1
            elif t.last_status in PENDING_STATES:
                pending += 1
        return running, pending

    def to_json(self):
        ucpu, umem = self.used()
        running, pending = self.counts()

        def res(cpu, mem):
            return [{"name": "CPU", "type": "INTEGER", "doubleValue": 0.0, "longValue": 0, "integerValue": cpu},
                    {"name": "MEMORY", "type": "INTEGER", "doubleValue": 0.0, "longValue": 0, "integerValue": mem},
                    {"name": "PORTS", "type": "STRINGSET", "doubleValue": 0.0, "longValue": 0,
                     "integerValue": 0, "stringSetValue": ["22", "2375", "2376", "51678", "51679"]},
                    {"name": "PORTS_UDP", "type": "STRINGSET", "doubleValue": 0.0, "longValue": 0,
                     "integerValue": 0, "stringSetValue": []}]
        d = {
            "containerInstanceArn": self.arn,
            "ec2InstanceId": self.ec2_id,
            "version": self.version,
            "versionInfo": {"agentVersion": "1.89.2", "agentHash": "0b1e9d1c",
                            "dockerVersion": "DockerVersion: 25.0.8"},
            "remainingResources": res(self.cpu - ucpu, self.mem - umem),
            "registeredResources": res(self.cpu, self.mem),
            "status": self.status,
            "agentConnected": self.agent_connected,
            "runningTasksCount": running,
            "pendingTasksCount": pending,
            "attributes": [
                {"name": "ecs.capability.execution-role-awslogs"},
                {"name": "com.amazonaws.ecs.capability.logging-driver.awslogs"},
                {"name": "ecs.capability.execute-command"},
                {"name": "ecs.os-type", "value": "linux"},
                {"name": "ecs.cpu-architecture", "value": "x86_64"},
                {"name": "ecs.instance-type", "value": self.type},
                {"name": "ecs.availability-zone", "value": self.cluster.world.region + self.az},
                {"name": "ecs.ami-id", "value": "ami-0c1d2e3f4a5b6c7d8"},
            ],
            "registeredAt": util.epoch(self.registered_at),
            "attachments": [],
            "tags": [],
            "healthStatus": {"overallStatus": "OK",
                             "details": [{"type": "CONTAINER_RUNTIME", "status": "OK"}]},
        }
        if self.status_reason:
            d["statusReason"] = self.status_reason
        return d


class Container:
    __slots__ = ("task", "name", "uuid", "image", "runtime_id", "last_status", "exit_code",
                 "reason", "health", "cpu", "mem", "essential", "agent", "agent_started",
                 "defn", "digest", "ssm_connected")

    def __init__(self, task, defn, uuid, runtime_id, digest):
        self.task = task
        self.defn = defn
        self.name = defn["name"]
        self.uuid = uuid
        self.image = defn["image"]
        self.digest = digest
        self.runtime_id = runtime_id
        self.last_status = "PENDING"
        self.exit_code = None
        self.reason = None
        self.health = "UNKNOWN"
        self.cpu = defn.get("cpu", 0)
        self.mem = defn.get("memory")
        self.essential = defn.get("essential", True)
        self.agent = None          # ExecuteCommandAgent lastStatus
        self.agent_started = None
        self.ssm_connected = True  # False: ExecuteCommand says TargetNotConnectedException

    def to_json(self):
        t = self.task
        c = {"containerArn": t.world.arns.container(t.cluster.name, t.id, self.uuid),
             "taskArn": t.arn, "name": self.name, "image": self.image,
             "lastStatus": self.last_status, "networkBindings": [],
             "networkInterfaces": [], "healthStatus": self.health, "cpu": str(self.cpu)}
        if self.runtime_id and self.last_status != "PENDING":
            c["runtimeId"] = self.runtime_id
            c["imageDigest"] = self.digest
        if self.exit_code is not None:
            c["exitCode"] = self.exit_code
        if self.reason:
            c["reason"] = self.reason
        if self.mem is not None:
            c["memory"] = str(self.mem)
        if t.eni_ip:
            c["networkInterfaces"] = [{"attachmentId": t.eni_attach, "privateIpv4Address": t.eni_ip}]
        if t.exec_enabled:
            a = {"name": "ExecuteCommandAgent", "lastStatus": self.agent or "PENDING"}
            if self.agent_started:
                a["lastStartedAt"] = util.epoch(self.agent_started)
            c["managedAgents"] = [a]
        return c


class Task:
    def __init__(self, world, cluster, tid, td, service, deployment, launch_type, cp_name,
                 instance, az, created, exec_enabled):
        self.world = world
        self.cluster = cluster
        self.id = tid
        self.arn = world.arns.task(cluster.name, tid)
        self.td = td
        self.service = service
        self.deployment = deployment
        self.launch_type = launch_type
        self.cp_name = cp_name
        self.instance = instance
        self.az = az
        self.created = created
        self.times = {}
        self.last_status = "PROVISIONING" if td.awsvpc else "PENDING"
        self.desired_status = "RUNNING"
        self.stop_code = None
        self.stopped_reason = None
        self.health = "UNKNOWN"
        self.version = 1
        self.exec_enabled = exec_enabled
        self.cpu = int(td.doc.get("cpu") or sum(c.get("cpu", 0) for c in td.containers) or 0)
        self.mem = int(td.doc.get("memory") or sum(c.get("memory") or c.get("memoryReservation") or 0
                                                  for c in td.containers) or 0)
        self.eni_id = self.eni_ip = self.eni_attach = None
        self.containers = []
        self.started_by = deployment.id if deployment else None

    @property
    def group(self):
        return ("service:" + self.service.name) if self.service else "family:" + self.td.family

    def touch(self):
        self.version += 1

    def to_json(self):
        td = self.td
        d = {
            "attachments": [],
            "attributes": [{"name": "ecs.cpu-architecture", "value": "x86_64"}],
            "availabilityZone": self.world.region + self.az,
            "clusterArn": self.cluster.arn,
            "containers": [c.to_json() for c in self.containers],
            "cpu": str(self.cpu),
            "createdAt": util.epoch(self.created),
            "desiredStatus": self.desired_status,
            "enableExecuteCommand": self.exec_enabled,
            "group": self.group,
            "healthStatus": self.health,
            "lastStatus": self.last_status,
            "launchType": self.launch_type,
            "memory": str(self.mem),
            "overrides": {"containerOverrides": [{"name": c.name} for c in self.containers],
                          "inferenceAcceleratorOverrides": []},
            "tags": [],
            "taskArn": self.arn,
            "taskDefinitionArn": td.arn,
            "version": self.version,
        }
        for k, v in self.times.items():
            d[k] = util.epoch(v)
        if self.times.get("connectivityAt"):
            d["connectivity"] = "CONNECTED"
        if self.started_by:
            d["startedBy"] = self.started_by
        if self.cp_name:
            d["capacityProviderName"] = self.cp_name
        if self.launch_type == "FARGATE":
            d["platformVersion"] = "1.4.0"
            d["platformFamily"] = "Linux"
            d["ephemeralStorage"] = {"sizeInGiB": 20}
            d["fargateEphemeralStorage"] = {"sizeInGiB": 20}
        if self.instance is not None:
            d["containerInstanceArn"] = self.instance.arn
        if self.stop_code:
            d["stopCode"] = self.stop_code
        if self.stopped_reason:
            d["stoppedReason"] = self.stopped_reason
        if self.eni_id:
            status = {"PROVISIONING": "PRECREATED", "DEPROVISIONING": "DELETED",
                      "STOPPED": "DELETED"}.get(self.last_status, "ATTACHED")
            n = int(self.eni_id[-6:], 16)
            d["attachments"] = [{
                "id": self.eni_attach,
                "type": "ElasticNetworkInterface", "status": status,
                "details": [
                    {"name": "subnetId", "value": "subnet-0a1b2c3d4e5f6a7b%s" % self.az},
                    {"name": "networkInterfaceId", "value": self.eni_id},
                    {"name": "macAddress", "value": "0e:%02x:%02x:%02x:%02x:%02x" % (
                        (n >> 16) & 255, (n >> 8) & 255, n & 255, 0x1a, 0x2b)},
                    {"name": "privateDnsName",
                     "value": "ip-%s.ec2.internal" % self.eni_ip.replace(".", "-")},
                    {"name": "privateIPv4Address", "value": self.eni_ip},
                ]}]
        return d


class TaskDef:
    def __init__(self, world, doc):
        self.world = world
        self.doc = doc
        self.family = doc["family"]
        self.revision = doc["revision"]
        self.arn = doc["taskDefinitionArn"]

    @property
    def containers(self):
        return self.doc["containerDefinitions"]

    @property
    def awsvpc(self):
        return self.doc.get("networkMode") == "awsvpc"

    @property
    def status(self):
        return self.doc["status"]


class Deployment:
    def __init__(self, did, td, desired, created, launch_type, cps, state, reason):
        self.id = did
        self.status = "PRIMARY"
        self.td = td
        self.desired = desired
        self.created = created
        self.updated = created
        self.launch_type = launch_type
        self.cps = cps
        self.rollout_state = state
        self.rollout_reason = reason
        self.failed = 0


class Service:
    def __init__(self, cluster, name, td, desired, launch_type, cps, exec_enabled, created,
                 circuit_breaker=(True, True)):
        self.cluster = cluster
        self.name = name
        self.arn = cluster.world.arns.service(cluster.name, name)
        self.td = td
        self.desired = desired
        self.launch_type = launch_type
        self.cps = cps
        self.exec_enabled = exec_enabled
        self.created = created
        self.status = "ACTIVE"
        self.cb_enable, self.cb_rollback = circuit_breaker
        self.deployments = []
        self.events = collections.deque(maxlen=100)
        self.tasks = set()          # ids of this service's tasks still in cluster.tasks
        self.steady = False
        self.consecutive_failures = 0
        self.next_launch = 0.0
        self.last_placement_msg = None
        self.last_completed_td = td

    def event(self, msg, ts, rng):
        self.events.appendleft({"id": util.new_uuid(rng), "createdAt": util.epoch(ts),
                                "message": "(service %s) %s" % (self.name, msg)})

    def task_counts(self, deployment=None):
        running = pending = 0
        for tid in self.tasks:
            t = self.cluster.tasks.get(tid)
            if t is None or t.desired_status != "RUNNING":
                continue
            if deployment is not None and t.deployment is not deployment:
                continue
            if t.last_status == "RUNNING":
                running += 1
            elif t.last_status in PENDING_STATES:
                pending += 1
        return running, pending

    def dep_json(self, dep):
        running, pending = self.task_counts(dep)
        d = {"id": dep.id, "status": dep.status, "taskDefinition": dep.td.arn,
             "desiredCount": dep.desired, "pendingCount": pending, "runningCount": running,
             "failedTasks": dep.failed, "createdAt": util.epoch(dep.created),
             "updatedAt": util.epoch(dep.updated), "rolloutState": dep.rollout_state,
             "rolloutStateReason": dep.rollout_reason}
        self._launch_fields(d, dep.launch_type, dep.cps)
        return d

    def _launch_fields(self, d, launch_type, cps):
        if cps:
            d["capacityProviderStrategy"] = cps
        else:
            d["launchType"] = launch_type
        fargate = launch_type == "FARGATE" or bool(cps)
        if fargate:
            d["platformVersion"] = "LATEST"
            d["platformFamily"] = "Linux"
        if self.td.awsvpc:
            d["networkConfiguration"] = {"awsvpcConfiguration": {
                "subnets": ["subnet-0a1b2c3d4e5f6a7ba", "subnet-0a1b2c3d4e5f6a7bb"],
                "securityGroups": ["sg-0123456789abcdef0"], "assignPublicIp": "DISABLED"}}

    def to_json(self):
        running = pending = 0
        for dep in self.deployments:
            r, p = self.task_counts(dep)
            running += r
            pending += p
        d = {
            "serviceArn": self.arn, "serviceName": self.name, "clusterArn": self.cluster.arn,
            "loadBalancers": [], "serviceRegistries": [], "status": self.status,
            "desiredCount": self.desired, "runningCount": running, "pendingCount": pending,
            "taskDefinition": self.td.arn,
            "deploymentConfiguration": {
                "deploymentCircuitBreaker": {"enable": self.cb_enable, "rollback": self.cb_rollback},
                "maximumPercent": 200, "minimumHealthyPercent": 100},
            "deployments": [self.dep_json(dep) for dep in self.deployments],
            "roleArn": self.cluster.world.arns.iam_role(
                "aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"),
            "events": list(self.events),
            "createdAt": util.epoch(self.created),
            "placementConstraints": [], "placementStrategy": [],
            "schedulingStrategy": "REPLICA",
            "deploymentController": {"type": "ECS"},
            "createdBy": self.cluster.world.arns.iam_role("lab-admin"),
            "enableECSManagedTags": False, "propagateTags": "NONE",
            "enableExecuteCommand": self.exec_enabled,
            "availabilityZoneRebalancing": "ENABLED",
        }
        self._launch_fields(d, self.launch_type, self.cps)
        return d


class Cluster:
    def __init__(self, world, name, kind, created, cps=()):
        self.world = world
        self.name = name
        self.arn = world.arns.cluster(name)
        self.kind = kind
        self.created = created
        self.cps = list(cps)
        self.services = {}
        self.tasks = {}
        self.instances = {}
        self.status = "ACTIVE"

    def stats(self):
        s = collections.Counter()
        for t in self.tasks.values():
            kind = "Fargate" if t.launch_type == "FARGATE" else "EC2"
            if t.last_status == "RUNNING":
                s["running" + kind] += 1
            elif t.last_status in PENDING_STATES:
                s["pending" + kind] += 1
        for svc in self.services.values():
            if svc.status != "ACTIVE":
                continue
            kind = "Fargate" if (svc.launch_type == "FARGATE" or svc.cps) else "EC2"
            s["active" + kind] += 1
        return s

    def to_json(self, include=()):
        s = self.stats()
        d = {"clusterArn": self.arn, "clusterName": self.name, "status": self.status,
             "registeredContainerInstancesCount": sum(1 for i in self.instances.values()
                                                      if i.status in ("ACTIVE", "DRAINING")),
             "runningTasksCount": s["runningEC2"] + s["runningFargate"],
             "pendingTasksCount": s["pendingEC2"] + s["pendingFargate"],
             "activeServicesCount": s["activeEC2"] + s["activeFargate"],
             "statistics": [], "tags": [],
             "capacityProviders": [c["capacityProvider"] for c in self.cps],
             "defaultCapacityProviderStrategy": self.cps}
        if "STATISTICS" in include:
            d["statistics"] = [{"name": n, "value": str(v)} for n, v in (
                ("runningEC2TasksCount", s["runningEC2"]),
                ("runningFargateTasksCount", s["runningFargate"]),
                ("pendingEC2TasksCount", s["pendingEC2"]),
                ("pendingFargateTasksCount", s["pendingFargate"]),
                ("activeEC2ServiceCount", s["activeEC2"]),
                ("activeFargateServiceCount", s["activeFargate"]),
                ("drainingEC2ServiceCount", 0),
                ("drainingFargateServiceCount", 0))]
        if "SETTINGS" in include:
            d["settings"] = [{"name": "containerInsights", "value": "disabled"}]
        if "CONFIGURATIONS" in include:
            d["configuration"] = {"executeCommandConfiguration": {"logging": "DEFAULT"}}
        if "ATTACHMENTS" in include:
            d["attachments"] = []
            d["attachmentsStatus"] = "UPDATE_COMPLETE" if self.cps else None
            if d["attachmentsStatus"] is None:
                del d["attachmentsStatus"]
        if "TAGS" in include:
            d["tags"] = [{"key": "lab", "value": "binnacle"}]
        return d


class World:
    """Everything ECS knows, in one account and region."""

    def __init__(self, region, account):
        self.region = region
        self.account = account
        self.arns = util.Arns(region, account)
        self.lock = threading.RLock()
        self.clusters = {}
        self.taskdefs = {}        # arn -> TaskDef
        self.families = {}        # family -> [TaskDef by revision]
        self.eni_seq = 0

    def cluster(self, ident):
        return self.clusters.get(util.last_part(ident or "default"))

    def register_td(self, doc):
        fam = doc["family"]
        revs = self.families.setdefault(fam, [])
        doc["revision"] = len(revs) + 1
        doc["taskDefinitionArn"] = self.arns.taskdef(fam, doc["revision"])
        td = TaskDef(self, doc)
        revs.append(td)
        self.taskdefs[td.arn] = td
        return td

    def find_td(self, ident):
        """family, family:revision or ARN -> TaskDef (latest ACTIVE for a bare family)."""
        if ident.startswith("arn:"):
            ident = ident.split("task-definition/", 1)[-1]
        fam, _, rev = ident.partition(":")
        revs = self.families.get(fam)
        if not revs:
            return None
        if rev:
            try:
                r = int(rev)
            except ValueError:
                return None
            return revs[r - 1] if 0 < r <= len(revs) else None
        for td in reversed(revs):
            if td.status == "ACTIVE":
                return td
        return None
