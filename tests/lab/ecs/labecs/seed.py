"""The initial world: named clusters and services the tests rely on, then
generic ones up to --clusters/--services/--tasks.

Named seed (always there):
  lab-ec2      EC2, 3 container instances (t3.large: 2048 CPU, 7854 MiB)
               web (2 tasks, exec on, health check), api (3, two containers),
               worker (1), crashy (1, exits with 1: EssentialContainerExited)
  lab-fargate  FARGATE: frontend (2, exec on), jobs (1),
               puller (1, image :doesnotexist: TaskFailedToStart)
  lab-mixed    capacity providers FARGATE + FARGATE_SPOT: svc-01..svc-12 (1 each)
Generic clusters lab-04, lab-05, ... are Fargate, every third one EC2
with as many container instances as its tasks need.  Healthy services start
out RUNNING with a COMPLETED deployment; failing ones start from scratch.
"""

import math
import time

from . import ecs_api, model, util

ECR = "%s.dkr.ecr.%s.amazonaws.com"
T3 = (2048, 7854, "t3.large")


def _log(group, region):
    return {"logDriver": "awslogs", "options": {"awslogs-group": group, "awslogs-region": region,
                                                "awslogs-stream-prefix": "ecs"}}


class Seeder:
    def __init__(self, app):
        self.app = app
        self.cfg = app.cfg
        self.world = app.world
        self.sim = app.sim
        self.rng = self.sim.rng
        self.now = time.time()
        self.registry = ECR % (self.cfg.account, self.cfg.region)
        self.n_services = 0
        self.n_tasks = 0
        self.exec_role = self.world.arns.iam_role("ecsTaskExecutionRole")

    def image(self, repo, tag):
        return "%s/%s:%s" % (self.registry, repo, tag)

    def td(self, family, containers, fargate, cpu=None, mem=None):
        p = {"family": family, "containerDefinitions": containers,
             "executionRoleArn": self.exec_role,
             "taskRoleArn": self.world.arns.iam_role("lab-task-role")}
        if fargate:
            p.update({"requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
                      "cpu": str(cpu or 256), "memory": str(mem or 512)})
        else:
            p["requiresCompatibilities"] = ["EC2"]
        doc = ecs_api.build_taskdef(self.world, p, self.world.arns.iam_role("lab-admin"),
                                    self.now - 86400 * 3)
        td = self.world.register_td(doc)
        for c in containers:
            lc = c.get("logConfiguration")
            if lc and self.app.logs is not None:
                self.app.logs.ensure_group(lc["options"]["awslogs-group"], self.now - 86400 * 3)
        return td

    def container(self, name, image, cpu=0, mem=None, log=True, env=(), hc=False, essential=True):
        c = {"name": name, "image": image, "cpu": cpu, "essential": essential,
             "portMappings": [], "environment": list(env)}
        if mem:
            c["memory"] = mem
        if log:
            c["logConfiguration"] = _log("/ecs/" + name, self.cfg.region)
        if hc:
            c["healthCheck"] = {"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
                                "interval": 30, "timeout": 5, "retries": 3}
        return c

    def cluster(self, name, kind, cps=()):
        c = model.Cluster(self.world, name, kind, self.now - 86400 * 30, cps)
        self.world.clusters[name] = c
        return c

    def instances(self, c, n):
        for _ in range(n):
            iid = util.hex_id(self.rng)
            inst = model.Instance(c, iid, "i-0%016x" % self.rng.getrandbits(64),
                                  model.AZS[len(c.instances) % 3], T3[2], T3[0], T3[1],
                                  self.now - 86400 * 7)
            c.instances[iid] = inst

    def service(self, c, name, td, desired, launch_type=None, cps=None, exec_enabled=False,
                healthy=True, cb=(True, True)):
        svc = model.Service(c, name, td, desired, launch_type, cps, exec_enabled,
                            self.now - 86400 * 2, cb)
        c.services[name] = svc
        created = self.now - 86400 * 2 + self.rng.random() * 3600
        dep = model.Deployment(util.deployment_id(self.rng), td, desired, created, launch_type, cps,
                               "COMPLETED", "")
        dep.rollout_reason = "ECS deployment %s completed." % dep.id
        svc.deployments = [dep]
        self.n_services += 1
        if not healthy:
            self.sim.mark(svc)
            return svc
        tasks = []
        for _ in range(desired):
            where = self.sim.place(svc, dep, self.now)
            if isinstance(where, str):
                break
            lt, cp, inst, az = where
            start = self.now - self.rng.uniform(600, 86400)
            t = self.sim.new_task(c, td, svc, dep, start, lt, cp, inst, az)
            t.last_status = "RUNNING"
            t.version = 4 if td.awsvpc else 3
            t.times.update({"connectivityAt": start + 1, "pullStartedAt": start + 2,
                            "pullStoppedAt": start + 9, "startedAt": start + 12})
            for ct in t.containers:
                ct.last_status = "RUNNING"
                if t.exec_enabled:
                    ct.agent = "RUNNING"
                    ct.agent_started = start + 13
                if ct.defn.get("healthCheck"):
                    ct.health = "HEALTHY"
                    t.health = "HEALTHY"
                if self.app.logs is not None:
                    self.app.logs.open_stream(t, ct, start + 12)
            tasks.append(t)
            self.n_tasks += 1
        if tasks:
            svc.event("has started %d tasks: %s." % (len(tasks), " ".join(
                "(task %s)" % t.id for t in tasks)), created + 5, self.rng)
        svc.event("(deployment %s) deployment completed." % dep.id, created + 60, self.rng)
        svc.event("has reached a steady state.", created + 61, self.rng)
        svc.steady = len(tasks) == desired
        if not svc.steady:
            self.sim.mark(svc)
        return svc

    def build(self):
        cfg = self.cfg
        ec2 = self.cluster("lab-ec2", "EC2")
        self.instances(ec2, cfg.instances)
        web = self.td("web", [self.container("web", self.image("web", "1.4.2"), 256, 512, hc=True)],
                      False)
        api = self.td("api", [self.container("api", self.image("api", "2.7.0"), 256, 512),
                              self.container("envoy", "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29",
                                             128, 256, log=False, essential=False)], False)
        worker = self.td("worker", [self.container("worker", self.image("worker", "0.9.1"), 128, 256)],
                         False)
        crashy = self.td("crashy", [self.container("crashy", self.image("crashy", "3.1.0"), 128, 256,
                                                   env=[{"name": "LAB_EXIT_CODE", "value": "1"}])],
                         False)
        self.service(ec2, "web", web, 2, "EC2", exec_enabled=True)
        self.service(ec2, "api", api, 3, "EC2")
        self.service(ec2, "worker", worker, 1, "EC2")
        for i in range(cfg.failing):
            self.service(ec2, "crashy" if i == 0 else "crashy-%d" % (i + 1), crashy, 1, "EC2",
                         healthy=False, cb=(False, False))
        far = self.cluster("lab-fargate", "FARGATE")
        fe = self.td("frontend", [self.container("frontend", self.image("frontend", "5.2.0"))], True)
        jobs = self.td("jobs", [self.container("jobs", self.image("jobs", "1.0.3"))], True, 512, 1024)
        puller = self.td("puller", [self.container("puller", self.image("puller", "doesnotexist"))],
                         True)
        self.service(far, "frontend", fe, 2, "FARGATE", exec_enabled=True)
        self.service(far, "jobs", jobs, 1, "FARGATE")
        for i in range(cfg.pull_failing):
            self.service(far, "puller" if i == 0 else "puller-%d" % (i + 1), puller, 1, "FARGATE",
                         healthy=False, cb=(False, False))
        strategy = [{"capacityProvider": "FARGATE", "weight": 1, "base": 1},
                    {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0}]
        mixed = self.cluster("lab-mixed", "MIXED", strategy)
        small = self.td("svc", [self.container("svc", self.image("svc", "1.2.0"))], True)
        for i in range(12):
            cps = strategy if i % 3 else [{"capacityProvider": "FARGATE", "weight": 1, "base": 0}]
            self.service(mixed, "svc-%02d" % (i + 1), small, 1, cps=cps, exec_enabled=i % 2 == 0)
        self.generic(small)

    def generic(self, small_fargate):
        cfg = self.cfg
        extra_clusters = max(0, cfg.clusters - len(self.world.clusters))
        extra_services = max(0, cfg.services - self.n_services)
        extra_tasks = max(0, cfg.tasks - self.n_tasks)
        if not extra_services:
            for i in range(extra_clusters):
                self.cluster("lab-%02d" % (len(self.world.clusters) + 1), "FARGATE")
            return
        clusters = []
        for i in range(extra_clusters):
            n = len(self.world.clusters) + 1
            clusters.append(self.cluster("lab-%02d" % n, "EC2" if n % 3 == 0 else "FARGATE"))
        if not clusters:
            clusters = [self.world.clusters["lab-mixed"]]
        per_service = [extra_tasks // extra_services + (1 if i < extra_tasks % extra_services else 0)
                       for i in range(extra_services)]
        small_ec2 = self.td("app", [self.container("app", self.image("app", "1.0.0"), 64, 128)],
                            False)
        # container instances first, sized for the tasks an EC2 cluster will get
        need = {}
        for i in range(extra_services):
            c = clusters[i % len(clusters)]
            if c.kind == "EC2":
                need[c.name] = need.get(c.name, 0) + per_service[i]
        for c in clusters:
            if c.kind == "EC2":
                per_instance = min(T3[0] // 64, T3[1] // 128)
                self.instances(c, max(1, int(math.ceil(need.get(c.name, 0) / per_instance))))
        for i in range(extra_services):
            c = clusters[i % len(clusters)]
            name = "app-%04d" % (i + 1)
            if c.kind == "EC2":
                self.service(c, name, small_ec2, per_service[i], "EC2")
            elif c.kind == "MIXED":
                self.service(c, name, small_fargate, per_service[i],
                             cps=[{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}])
            else:
                self.service(c, name, small_fargate, per_service[i], "FARGATE",
                             exec_enabled=i % 4 == 0)
