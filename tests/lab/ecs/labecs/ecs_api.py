"""Amazon ECS operations (JSON 1.1, AmazonEC2ContainerServiceV20141113.*).

Lists page like AWS (paging.py; ListServices defaults to 10 per page, the
others to 100), Describe calls enforce AWS's batch limits with its words
and report unknown items in failures[] with reason MISSING.
"""

import time

from . import errors, execcmd, paging, util

WRITE_OPS = {"UpdateService", "StopTask", "UpdateContainerInstancesState",
             "RegisterTaskDefinition", "ExecuteCommand"}
STRING_PARAMS = ("cluster", "service", "task", "taskDefinition", "serviceName",
                 "containerInstance", "family", "launchType", "desiredStatus", "reason",
                 "nextToken", "status", "familyPrefix", "sort", "startedBy", "container",
                 "command", "schedulingStrategy")
LIST_PARAMS = ("clusters", "services", "tasks", "containerInstances", "include")
TASK_DESIRED = ("RUNNING", "PENDING", "STOPPED")


def _list(params, key, what):
    v = params.get(key)
    if v is None:
        return None
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise errors.invalid_param("%s must be a list of strings." % what)
    return v


class Ecs:
    def __init__(self, app):
        self.app = app
        self.world = app.world
        self.sim = app.sim

    def call(self, ctx, op, params):
        fn = getattr(self, "op_" + op, None)
        if fn is None:
            raise errors.AwsError("UnknownOperationException", "", coral=True)
        for k in STRING_PARAMS:
            if k in params and params[k] is not None and not isinstance(params[k], str):
                raise errors.AwsError("SerializationException",
                                      "Unexpected value type for %s: expected a string" % k)
        for k in LIST_PARAMS:
            if k in params and params[k] is not None and not isinstance(params[k], list):
                raise errors.AwsError("SerializationException",
                                      "Unexpected value type for %s: expected a list" % k)
        if op in WRITE_OPS and ctx.cred.readonly:
            raise errors.access_denied(ctx.cred.identity.arn, "ecs:" + op,
                                       self._resource_for(op, params))
        with self.world.lock:
            return fn(ctx, params)

    def _resource_for(self, op, p):
        c = util.last_part(p.get("cluster") or "default")
        a = self.world.arns
        if op == "UpdateService":
            return a.service(c, util.last_part(p.get("service", "")))
        if op in ("StopTask", "ExecuteCommand"):
            return a.task(c, util.last_part(p.get("task", "")))
        if op == "RegisterTaskDefinition":
            return a.pre + "task-definition/%s:*" % p.get("family", "")
        return a.cluster(c)

    def cluster(self, params):
        c = self.world.cluster(params.get("cluster"))
        if c is None:
            raise errors.cluster_not_found()
        return c

    def short(self):
        return self.app.cfg.short_pages

    # ------------------------------------------------------------ clusters
    def op_ListClusters(self, ctx, p):
        arns = sorted(c.arn for c in self.world.clusters.values())
        out, nxt = paging.page(arns, p, {}, 100, short=self.short())
        return {"clusterArns": out, "nextToken": nxt} if nxt else {"clusterArns": out}

    def op_DescribeClusters(self, ctx, p):
        names = _list(p, "clusters", "clusters")
        if not names:
            names = ["default"]
        if len(names) > 100:
            raise errors.invalid_param("clusters can have at most 100 items.")
        include = set(p.get("include") or ())
        out, failures = [], []
        for n in names:
            c = self.world.cluster(n)
            if c is None:
                failures.append({"arn": n if n.startswith("arn:") else self.world.arns.cluster(n),
                                 "reason": "MISSING"})
            else:
                out.append(c.to_json(include))
        return {"clusters": out, "failures": failures}

    def op_DescribeCapacityProviders(self, ctx, p):
        names = p.get("capacityProviders") or ["FARGATE", "FARGATE_SPOT"]
        out, failures = [], []
        for n in names:
            name = util.last_part(n)
            if name in ("FARGATE", "FARGATE_SPOT"):
                out.append({"capacityProviderArn": self.world.arns.capacity_provider(name),
                            "name": name, "status": "ACTIVE", "tags": []})
            else:
                failures.append({"arn": self.world.arns.capacity_provider(name),
                                 "reason": "MISSING"})
        return {"capacityProviders": out, "failures": failures}

    # ------------------------------------------------------------ services
    def op_ListServices(self, ctx, p):
        c = self.cluster(p)
        lt = p.get("launchType")
        keys = []
        for s in c.services.values():
            if s.status != "ACTIVE":
                continue
            if lt and (s.cps or s.launch_type != lt):
                continue
            keys.append(s.arn)
        keys.sort()
        out, nxt = paging.page(keys, p, {"c": c.name, "lt": lt}, 10, short=self.short())
        return {"serviceArns": out, "nextToken": nxt} if nxt else {"serviceArns": out}

    def op_DescribeServices(self, ctx, p):
        c = self.cluster(p)
        names = _list(p, "services", "services")
        if not names:
            raise errors.invalid_param("Services cannot be empty.")
        if len(names) > 10:
            raise errors.invalid_param("service names can have at most 10 items.")
        out, failures = [], []
        for n in names:
            s = c.services.get(util.last_part(n))
            if s is None:
                failures.append({"arn": n if n.startswith("arn:")
                                 else self.world.arns.service(c.name, n), "reason": "MISSING"})
            else:
                d = s.to_json()
                if "TAGS" in (p.get("include") or ()):
                    d["tags"] = []
                out.append(d)
        return {"services": out, "failures": failures}

    def op_UpdateService(self, ctx, p):
        c = self.cluster(p)
        name = p.get("service")
        if not isinstance(name, str) or not name:
            raise errors.invalid_param("Service cannot be empty.")
        s = c.services.get(util.last_part(name))
        if s is None:
            raise errors.service_not_found()
        if s.status != "ACTIVE":
            raise errors.AwsError("ServiceNotActiveException", "Service was not ACTIVE.")
        now = time.time()
        td = None
        if p.get("taskDefinition"):
            td = self.world.find_td(p["taskDefinition"])
            if td is None:
                raise errors.client_exc("TaskDefinition not found.")
            if td.status != "ACTIVE":
                raise errors.client_exc("TaskDefinition is inactive")
        if "desiredCount" in p:
            n = p["desiredCount"]
            if not isinstance(n, int) or n < 0:
                raise errors.invalid_param("desiredCount must be a non-negative integer.")
            s.desired = n
            if s.deployments:
                s.deployments[0].desired = n
                s.deployments[0].updated = now
            s.steady = False
        if "enableExecuteCommand" in p:
            s.exec_enabled = bool(p["enableExecuteCommand"])
        dc = p.get("deploymentConfiguration") or {}
        cb = dc.get("deploymentCircuitBreaker")
        if isinstance(cb, dict):
            s.cb_enable = bool(cb.get("enable"))
            s.cb_rollback = bool(cb.get("rollback"))
        if (td is not None and td is not s.td) or p.get("forceNewDeployment"):
            self.sim.new_deployment(s, td or s.td, now)
        self.sim.mark(s)
        return {"service": s.to_json()}

    # ------------------------------------------------------------ tasks
    def op_ListTasks(self, ctx, p):
        c = self.cluster(p)
        desired = p.get("desiredStatus") or "RUNNING"
        if desired not in TASK_DESIRED:
            raise errors.invalid_param("desiredStatus must be one of RUNNING, PENDING, STOPPED.")
        svc_name = p.get("serviceName")
        svc = None
        if svc_name:
            svc = c.services.get(util.last_part(svc_name))
            if svc is None:
                raise errors.service_not_found()
        inst = None
        if p.get("containerInstance"):
            inst = c.instances.get(util.last_part(p["containerInstance"]))
            if inst is None:
                raise errors.invalid_param("The referenced container instance was not found.")
        fam = p.get("family")
        lt = p.get("launchType")
        started_by = p.get("startedBy")
        keys = []
        pool = (c.tasks.get(tid) for tid in svc.tasks) if svc else c.tasks.values()
        for t in pool:
            if t is None:
                continue
            if desired == "STOPPED":
                if t.desired_status != "STOPPED":
                    continue
            elif t.desired_status != "RUNNING":
                continue
            if inst is not None and t.instance is not inst:
                continue
            if fam and t.td.family != fam:
                continue
            if lt and t.launch_type != lt:
                continue
            if started_by and t.started_by != started_by:
                continue
            keys.append(t.arn)
        keys.sort()
        filters = {"c": c.name, "d": desired, "s": svc_name, "i": p.get("containerInstance"),
                   "f": fam, "l": lt, "b": started_by}
        out, nxt = paging.page(keys, p, filters, 100, short=self.short())
        return {"taskArns": out, "nextToken": nxt} if nxt else {"taskArns": out}

    def op_DescribeTasks(self, ctx, p):
        c = self.cluster(p)
        ids = _list(p, "tasks", "tasks")
        if not ids:
            raise errors.invalid_param("Tasks cannot be empty.")
        if len(ids) > 100:
            raise errors.invalid_param("taskIds can have at most 100 items.")
        out, failures = [], []
        for ident in ids:
            t = c.tasks.get(util.last_part(ident))
            if t is None:
                failures.append({"arn": ident if ident.startswith("arn:")
                                 else self.world.arns.task(c.name, ident), "reason": "MISSING"})
            else:
                out.append(t.to_json())
        return {"tasks": out, "failures": failures}

    def op_StopTask(self, ctx, p):
        c = self.cluster(p)
        ident = p.get("task")
        if not isinstance(ident, str) or not ident:
            raise errors.invalid_param("Task cannot be empty.")
        t = c.tasks.get(util.last_part(ident))
        if t is None:
            raise errors.invalid_param("The referenced task was not found.")
        reason = p.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise errors.invalid_param("reason must be a string.")
        self.sim.stop(t, "UserInitiated", reason or "Task stopped by user", time.time())
        return {"task": t.to_json()}

    def op_ExecuteCommand(self, ctx, p):
        return execcmd.execute(self.app, self.cluster(p), p)

    # ------------------------------------------------------------ instances
    def op_ListContainerInstances(self, ctx, p):
        c = self.cluster(p)
        status = p.get("status")
        if status and status not in ("ACTIVE", "DRAINING", "REGISTERING", "DEREGISTERING",
                                     "REGISTRATION_FAILED"):
            raise errors.invalid_param("Invalid status: %s" % status)
        keys = sorted(i.arn for i in c.instances.values() if not status or i.status == status)
        out, nxt = paging.page(keys, p, {"c": c.name, "s": status}, 100, short=self.short())
        return ({"containerInstanceArns": out, "nextToken": nxt} if nxt
                else {"containerInstanceArns": out})

    def _instances(self, c, p):
        ids = _list(p, "containerInstances", "containerInstances")
        if not ids:
            raise errors.invalid_param("ContainerInstances cannot be empty.")
        if len(ids) > 100:
            raise errors.invalid_param("instanceIds can have at most 100 items.")
        found, failures = [], []
        for ident in ids:
            i = c.instances.get(util.last_part(ident))
            if i is None:
                failures.append({"arn": ident if ident.startswith("arn:")
                                 else self.world.arns.instance(c.name, ident), "reason": "MISSING"})
            else:
                found.append(i)
        return found, failures

    def op_DescribeContainerInstances(self, ctx, p):
        c = self.cluster(p)
        found, failures = self._instances(c, p)
        return {"containerInstances": [i.to_json() for i in found], "failures": failures}

    def op_UpdateContainerInstancesState(self, ctx, p):
        c = self.cluster(p)
        status = p.get("status")
        if status not in ("ACTIVE", "DRAINING"):
            raise errors.invalid_param("Container instances status can only be updated to "
                                       "ACTIVE or DRAINING.")
        found, failures = self._instances(c, p)
        for i in found:
            if i.status == status:
                continue
            i.status = status
            i.version += 1
            self.sim.mark_cluster(c)
            for svc in c.services.values():
                svc.last_placement_msg = None
                self.sim.mark(svc)
        return {"containerInstances": [i.to_json() for i in found], "failures": failures}

    # ------------------------------------------------------------ task definitions
    def op_ListTaskDefinitions(self, ctx, p):
        prefix = p.get("familyPrefix")
        status = p.get("status") or "ACTIVE"
        desc = (p.get("sort") or "ASC") == "DESC"
        tds = []
        for fam, revs in self.world.families.items():
            if prefix and fam != prefix:
                continue
            tds += [td for td in revs if td.status == status]
        tds.sort(key=lambda td: (td.family, td.revision), reverse=desc)
        # paging needs ascending keys: page over the index list
        idx = ["%010d" % i for i in range(len(tds))]
        out, nxt = paging.page(idx, p, {"p": prefix, "s": status, "d": desc}, 100,
                               short=self.short())
        arns = [tds[int(i)].arn for i in out]
        return {"taskDefinitionArns": arns, "nextToken": nxt} if nxt else {"taskDefinitionArns": arns}

    def op_ListTaskDefinitionFamilies(self, ctx, p):
        prefix = p.get("familyPrefix") or ""
        status = p.get("status") or "ACTIVE"
        fams = []
        for fam, revs in self.world.families.items():
            if not fam.startswith(prefix):
                continue
            active = any(td.status == "ACTIVE" for td in revs)
            if status == "ALL" or (status == "ACTIVE") == active:
                fams.append(fam)
        fams.sort()
        out, nxt = paging.page(fams, p, {"p": prefix, "s": status}, 100, short=self.short())
        return {"families": out, "nextToken": nxt} if nxt else {"families": out}

    def op_DescribeTaskDefinition(self, ctx, p):
        ident = p.get("taskDefinition")
        if not isinstance(ident, str) or not ident:
            raise errors.client_exc("Task Definition can not be blank.")
        td = self.world.find_td(ident)
        if td is None:
            raise errors.client_exc("Unable to describe task definition.")
        out = {"taskDefinition": td.doc}
        if "TAGS" in (p.get("include") or ()):
            out["tags"] = []
        return out

    def op_RegisterTaskDefinition(self, ctx, p):
        fam = p.get("family")
        if not isinstance(fam, str) or not fam:
            raise errors.client_exc("Family cannot be blank.")
        cdefs = p.get("containerDefinitions")
        if not isinstance(cdefs, list) or not cdefs:
            raise errors.client_exc("Container list cannot be empty.")
        req = p.get("requiresCompatibilities") or []
        mode = p.get("networkMode") or ("awsvpc" if "FARGATE" in req else "bridge")
        if "FARGATE" in req:
            if mode != "awsvpc":
                raise errors.client_exc("Fargate only supports network mode \u2018awsvpc\u2019.")
            if not p.get("cpu"):
                raise errors.client_exc("Fargate requires that 'cpu' be defined at the task level.")
        doc = build_taskdef(self.world, p, ctx.cred.identity.arn)
        td = self.world.register_td(doc)
        return {"taskDefinition": td.doc, "tags": p.get("tags") or []}


def build_taskdef(world, p, registered_by, now=None):
    """The stored (DescribeTaskDefinition) form of a RegisterTaskDefinition request."""
    req = p.get("requiresCompatibilities") or []
    mode = p.get("networkMode") or ("awsvpc" if "FARGATE" in req else "bridge")
    cdefs = []
    needs = []
    for c in p["containerDefinitions"]:
        d = {"name": c.get("name", "app"), "image": c.get("image", ""), "cpu": c.get("cpu", 0),
             "portMappings": c.get("portMappings", []), "essential": c.get("essential", True),
             "environment": c.get("environment", []), "mountPoints": c.get("mountPoints", []),
             "volumesFrom": c.get("volumesFrom", []), "systemControls": []}
        for k in ("memory", "memoryReservation", "command", "entryPoint", "healthCheck",
                  "logConfiguration", "secrets", "workingDirectory", "user"):
            if k in c:
                d[k] = c[k]
        if "logConfiguration" in c and c["logConfiguration"].get("logDriver") == "awslogs":
            needs.append({"name": "com.amazonaws.ecs.capability.logging-driver.awslogs"})
            needs.append({"name": "ecs.capability.execution-role-awslogs"})
            needs.append({"name": "com.amazonaws.ecs.capability.docker-remote-api.1.19"})
        if "healthCheck" in c:
            needs.append({"name": "ecs.capability.container-health-check"})
        cdefs.append(d)
    if mode == "awsvpc":
        needs.append({"name": "ecs.capability.task-eni"})
        needs.append({"name": "com.amazonaws.ecs.capability.docker-remote-api.1.18"})
    seen, uniq = set(), []
    for n in needs:
        if n["name"] not in seen:
            seen.add(n["name"])
            uniq.append(n)
    doc = {"taskDefinitionArn": "", "containerDefinitions": cdefs, "family": p["family"],
           "networkMode": mode, "revision": 0, "volumes": p.get("volumes", []),
           "status": "ACTIVE", "requiresAttributes": uniq, "placementConstraints": [],
           "compatibilities": ["EC2", "FARGATE"] if mode == "awsvpc" else ["EC2"],
           "registeredAt": util.epoch(now or time.time()), "registeredBy": registered_by}
    for k in ("taskRoleArn", "executionRoleArn", "cpu", "memory", "pidMode", "ipcMode",
              "runtimePlatform"):
        if p.get(k):
            doc[k] = p[k]
    if req:
        doc["requiresCompatibilities"] = req
    return doc
