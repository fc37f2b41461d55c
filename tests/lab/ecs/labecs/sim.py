"""The simulation thread: task lifecycles, the service scheduler, placement,
deployments and the circuit breaker, churn, and service events.

Timers (a heap) advance single tasks through their states; services whose
tasks changed are marked dirty and reconciled: start tasks up to the
PRIMARY deployment's desiredCount, stop surplus tasks, drain old
deployments once the new one runs, finish or fail rollouts.  Everything
runs under World.lock, like the API handlers.

How a task fails is read from its task definition (so a client can make
one fail with RegisterTaskDefinition + UpdateService):
  image containing "doesnotexist" or ending ":broken"   CannotPullContainerError
  environment LAB_EXIT_CODE=N                             exits with N after --crash-after s
POST /_lab/fail?cluster=C&service=S&mode=exit|pull|unhealthy|none forces it per
service (unhealthy: health checks fail, the scheduler replaces the task).
"""

import heapq
import math
import random
import threading
import time
import traceback

from . import model, util

STEP_STATES = {True: ["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING"],
               False: ["PENDING", "RUNNING"]}
STOP_STATES = {True: ["DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"],
               False: ["STOPPING", "STOPPED"]}


def fail_mode(td):
    for c in td.containers:
        img = c.get("image", "")
        if "doesnotexist" in img or img.endswith(":broken"):
            return "pull"
    for c in td.containers:
        for e in c.get("environment") or ():
            if e.get("name") == "LAB_EXIT_CODE":
                return "exit"
    return None


def exit_code_of(td):
    for c in td.containers:
        for e in c.get("environment") or ():
            if e.get("name") == "LAB_EXIT_CODE":
                try:
                    return int(e.get("value"))
                except (TypeError, ValueError):
                    return 1
    return 1


class Sim:
    def __init__(self, world, cfg, logs=None):
        self.world = world
        self.cfg = cfg
        self.logs = logs
        self.rng = random.Random(cfg.seed * 31 + 7)
        self.timers = []
        self.seq = 0
        self.dirty = set()
        self.forced = {}           # service arn -> "exit" | "pull" | "none"
        self.stopping = False
        self.thread = None
        self._last_churn = time.time()
        self._last_retry = 0.0

    # ------------------------------------------------------------ plumbing
    def timer(self, delay, fn, *args):
        self.seq += 1
        heapq.heappush(self.timers, (time.time() + delay, self.seq, fn, args))

    def mark(self, svc):
        if svc is not None:
            self.dirty.add(svc)

    def start(self):
        self.thread = threading.Thread(target=self.run, name="sim", daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopping:
            time.sleep(0.1)
            try:
                with self.world.lock:
                    self.tick()
            except Exception:
                traceback.print_exc()

    def tick(self):
        now = time.time()
        while self.timers and self.timers[0][0] <= now:
            _, _, fn, args = heapq.heappop(self.timers)
            fn(*args)
        if self.cfg.churn > 0:
            n = int((now - self._last_churn) * self.cfg.churn)
            if n:
                self._last_churn += n / self.cfg.churn
                for _ in range(min(n, 100)):
                    self.churn_one(now)
        else:
            self._last_churn = now
        if now - self._last_retry > 2.0:
            self._last_retry = now
            for c in self.world.clusters.values():
                for svc in c.services.values():
                    if svc.status == "ACTIVE" and not svc.steady:
                        self.dirty.add(svc)
        while self.dirty:
            svc = self.dirty.pop()
            self.reconcile(svc, now)

    def delay(self):
        d = self.cfg.start_delay
        return d * (0.5 + self.rng.random()) / 3.0

    # ------------------------------------------------------------ tasks
    def new_task(self, cluster, td, svc, dep, now, launch_type, cp_name, instance, az):
        w = self.world
        tid = util.hex_id(self.rng)
        t = model.Task(w, cluster, tid, td, svc, dep, launch_type, cp_name, instance, az, now,
                       svc.exec_enabled if svc else False)
        if td.awsvpc:
            w.eni_seq += 1
            t.eni_id = "eni-0%016x" % (0x3a000000 + w.eni_seq)
            t.eni_ip = "10.0.%d.%d" % (w.eni_seq // 250 % 250, 4 + w.eni_seq % 250)
            t.eni_attach = util.new_uuid(self.rng)
        for cdef in td.containers:
            rid = (tid + "-" + str(self.rng.randrange(10 ** 9, 4 * 10 ** 9))
                   if launch_type == "FARGATE" else util.hex_id(self.rng, 64))
            digest = "sha256:" + util.sha256_hex(cdef["image"].encode())
            t.containers.append(model.Container(t, cdef, util.new_uuid(self.rng), rid, digest))
        cluster.tasks[tid] = t
        if instance is not None:
            instance.tasks.add(tid)
        if svc is not None:
            svc.tasks.add(tid)
        return t

    def mode_of(self, t):
        if t.service is not None:
            f = self.forced.get(t.service.arn)
            if f:
                return None if f == "none" else f
        return fail_mode(t.td)

    def begin(self, t):
        """Walk a new task through PROVISIONING..RUNNING on timers."""
        self.timer(self.delay(), self.step, t)

    def step(self, t):
        if t.desired_status != "RUNNING":
            return
        now = time.time()
        states = STEP_STATES[t.td.awsvpc]
        i = states.index(t.last_status) if t.last_status in states else 0
        nxt = states[min(i + 1, len(states) - 1)]
        if nxt == "PENDING":
            t.times["connectivityAt"] = now
        if t.last_status == "PENDING" and "pullStartedAt" not in t.times:
            t.times["pullStartedAt"] = now
            if self.mode_of(t) == "pull":
                self.timer(self.delay(), self.pull_failed, t)
                return
            self.timer(self.delay(), self.pulled, t)
            return
        t.last_status = nxt
        t.touch()
        if nxt == "RUNNING":
            self.running(t, now)
        else:
            self.timer(self.delay(), self.step, t)
        self.mark(t.service)

    def pulled(self, t):
        if t.desired_status != "RUNNING":
            return
        t.times["pullStoppedAt"] = time.time()
        self.step(t)

    def pull_failed(self, t):
        if t.desired_status != "RUNNING":
            return
        now = time.time()
        t.times["pullStoppedAt"] = now
        c = t.containers[0]
        for c2 in t.containers:
            if "doesnotexist" in c2.image or c2.image.endswith(":broken"):
                c = c2
        ref = c.image if "/" in c.image else "docker.io/library/" + c.image
        if ":" not in ref.rsplit("/", 1)[-1]:
            ref += ":latest"
        msg = ("CannotPullContainerError: pull image manifest has been retried 7 time(s): "
               "failed to resolve ref %s: %s: not found" % (ref, ref))
        c.reason = msg
        self.failed(t)
        self.stop(t, "TaskFailedToStart", msg, now)

    def running(self, t, now):
        t.times.setdefault("startedAt", now)
        t.times.setdefault("pullStoppedAt", now)
        has_hc = False
        for c in t.containers:
            c.last_status = "RUNNING"
            if t.exec_enabled:
                c.agent = "RUNNING"
                c.agent_started = now
            if c.defn.get("healthCheck"):
                has_hc = True
            if self.logs is not None:
                self.logs.open_stream(t, c, now)
        if has_hc or self.mode_of(t) == "unhealthy":
            self.timer(self.delay() * 2, self.healthy, t)
        svc = t.service
        if svc is not None and svc.consecutive_failures and self.mode_of(t) is None:
            svc.consecutive_failures = 0
        if self.mode_of(t) == "exit":
            self.timer(self.cfg.crash_after * (0.8 + 0.4 * self.rng.random()), self.exited, t)

    def healthy(self, t):
        if t.last_status != "RUNNING" or t.desired_status != "RUNNING":
            return
        sick = self.mode_of(t) == "unhealthy"
        for c in t.containers:
            if c.defn.get("healthCheck"):
                c.health = "UNHEALTHY" if sick else "HEALTHY"
        t.health = "UNHEALTHY" if sick else "HEALTHY"
        t.touch()
        if sick:
            self.timer(self.cfg.crash_after * (0.8 + 0.4 * self.rng.random()), self.health_failed, t)

    def health_failed(self, t):
        """The scheduler replaces a task whose essential container stays UNHEALTHY."""
        if t.last_status != "RUNNING" or t.desired_status != "RUNNING":
            return
        now = time.time()
        if t.service is not None:
            t.service.event("(task %s) failed container health checks." % t.id, now, self.rng)
        self.failed(t)
        self.stop(t, "ServiceSchedulerInitiated", "Task failed container health checks", now)

    def exited(self, t):
        if t.last_status != "RUNNING" or t.desired_status != "RUNNING":
            return
        now = time.time()
        code = exit_code_of(t.td)
        for c in t.containers:
            if c.essential:
                c.exit_code = code
                break
        self.failed(t)
        self.stop(t, "EssentialContainerExited", "Essential container in task exited", now)

    def failed(self, t):
        svc = t.service
        if svc is None:
            return
        svc.consecutive_failures += 1
        dep = t.deployment
        if dep is not None:
            dep.failed += 1
            dep.updated = time.time()
            self.check_breaker(svc, dep)
        if svc.consecutive_failures >= 3:
            backoff = min(self.cfg.crash_backoff_max,
                          self.cfg.crash_backoff * 2 ** (svc.consecutive_failures - 3))
            svc.next_launch = time.time() + backoff
            if svc.consecutive_failures == 3:
                svc.event("is unable to consistently start tasks successfully. For more "
                          "information, see the Troubleshooting section of the Amazon ECS "
                          "Developer Guide.", time.time(), self.rng)

    def stop(self, t, code, reason, now):
        """Desired STOPPED: walk the task down to STOPPED on timers.  Running
        containers without an exit code yet get the one `docker stop` leaves:
        0 when asked to stop, 143 (SIGTERM) when stopped by another's failure."""
        if t.desired_status == "STOPPED":
            return
        t.desired_status = "STOPPED"
        t.stop_code = code
        t.stopped_reason = reason
        t.times["stoppingAt"] = now
        t.touch()
        for c in t.containers:
            if c.last_status == "RUNNING" and c.exit_code is None:
                c.exit_code = 0 if code in ("UserInitiated", "ServiceSchedulerInitiated") else 143
        for c in t.containers:
            c.agent = "STOPPED" if c.agent else None
        self.mark(t.service)
        if t.last_status != "RUNNING":
            # never ran: straight to the end of the line
            t.last_status = STOP_STATES[t.td.awsvpc][-2] if t.td.awsvpc else "STOPPING"
        else:
            t.last_status = STOP_STATES[t.td.awsvpc][0]
        self.timer(self.delay(), self.stop_step, t)

    def stop_step(self, t):
        now = time.time()
        states = STOP_STATES[t.td.awsvpc]
        i = states.index(t.last_status)
        t.last_status = states[i + 1]
        t.touch()
        if t.last_status == "STOPPED":
            t.times["executionStoppedAt"] = now
            t.times["stoppedAt"] = now
            t.health = "UNKNOWN"
            for c in t.containers:
                was_running = c.last_status == "RUNNING"
                c.last_status = "STOPPED"
                if self.logs is not None and was_running:
                    self.logs.close_stream(t, c, now)
            if t.instance is not None:
                t.instance.tasks.discard(t.id)
                self.mark_cluster(t.cluster)
            self.timer(self.cfg.stopped_ttl, self.forget, t)
        else:
            self.timer(self.delay(), self.stop_step, t)
        self.mark(t.service)

    def forget(self, t):
        t.cluster.tasks.pop(t.id, None)
        if t.service is not None:
            t.service.tasks.discard(t.id)

    def mark_cluster(self, cluster):
        for svc in cluster.services.values():
            if not svc.steady:
                self.dirty.add(svc)

    # ------------------------------------------------------------ placement
    def place(self, svc, dep, now):
        """(launch_type, capacity provider, instance, az) or a reason string."""
        cluster = svc.cluster
        if dep.cps:
            total = sum(max(0, s.get("weight", 0)) for s in dep.cps) or 1
            r = self.rng.random() * total
            name = dep.cps[-1]["capacityProvider"]
            for s in dep.cps:
                r -= max(0, s.get("weight", 0))
                if r < 0:
                    name = s["capacityProvider"]
                    break
            return ("FARGATE", name, None, self.rng.choice(model.AZS))
        if dep.launch_type == "FARGATE":
            return ("FARGATE", None, None, self.rng.choice(model.AZS))
        cpu = int(dep.td.doc.get("cpu") or sum(c.get("cpu", 0) for c in dep.td.containers))
        mem = int(dep.td.doc.get("memory") or sum(c.get("memory") or c.get("memoryReservation") or 0
                                                  for c in dep.td.containers))
        best = None
        closest = None
        for inst in cluster.instances.values():
            if inst.status != "ACTIVE" or not inst.agent_connected:
                continue
            ucpu, umem = inst.used()
            fcpu, fmem = inst.cpu - ucpu, inst.mem - umem
            if fcpu >= cpu and fmem >= mem:
                if best is None or fmem > best[0]:
                    best = (fmem, inst)
            else:
                lack = "memory" if fmem < mem else "CPU units"
                if closest is None or fmem > closest[0]:
                    closest = (fmem, inst, lack)
        if best is not None:
            return ("EC2", None, best[1], best[1].az)
        if closest is None:
            return ("was unable to place a task because no container instance met all of its "
                    "requirements. Reason: No Container Instances were found in your cluster. "
                    "For more information, see the Troubleshooting section of the Amazon ECS "
                    "Developer Guide.")
        return ("was unable to place a task because no container instance met all of its "
                "requirements. The closest matching (container-instance %s) has insufficient "
                "%s available. For more information, see the Troubleshooting section of the "
                "Amazon ECS Developer Guide." % (closest[1].id, closest[2]))

    # ------------------------------------------------------------ services
    def live(self, svc, dep=None):
        out = []
        for tid in svc.tasks:
            t = svc.cluster.tasks.get(tid)
            if t is not None and t.desired_status == "RUNNING" and (dep is None or t.deployment is dep):
                out.append(t)
        return out

    def launch(self, svc, dep, n, now):
        started = []
        for _ in range(n):
            where = self.place(svc, dep, now)
            if isinstance(where, str):
                if where != svc.last_placement_msg:
                    svc.last_placement_msg = where
                    svc.event(where, now, self.rng)
                break
            svc.last_placement_msg = None
            lt, cp, inst, az = where
            t = self.new_task(svc.cluster, dep.td, svc, dep, now, lt, cp, inst, az)
            self.begin(t)
            started.append(t)
        if started:
            svc.event("has started %d tasks: %s." % (len(started), " ".join(
                "(task %s)" % t.id for t in started)), now, self.rng)
        return started

    def scale_down(self, svc, tasks, dep, now):
        if not tasks:
            return
        for t in tasks:
            self.stop(t, "ServiceSchedulerInitiated",
                      "Scaling activity initiated by (deployment %s)" % dep.id, now)
        running = [t for t in tasks if t.last_status != "PENDING"]
        svc.event("has stopped %d running tasks: %s." % (len(running or tasks), " ".join(
            "(task %s)" % t.id for t in (running or tasks))), now, self.rng)

    def reconcile(self, svc, now):
        if svc.status != "ACTIVE" or not svc.deployments:
            return
        primary = svc.deployments[0]
        blocked = primary.rollout_state == "FAILED" and not svc.cb_rollback
        mine = self.live(svc, primary)
        # tasks on DRAINING instances are replaced first, then stopped (PENDING
        # ones at once), as the service scheduler does with minimumHealthyPercent 100
        draining = [t for t in mine if t.instance is not None and t.instance.status == "DRAINING"]
        mine = [t for t in mine if t not in draining]
        if len(mine) < primary.desired and not blocked and now >= svc.next_launch:
            self.launch(svc, primary, primary.desired - len(mine), now)
        elif len(mine) > primary.desired:
            order = sorted(mine, key=lambda t: (t.last_status == "RUNNING", -t.created))
            self.scale_down(svc, order[:len(mine) - primary.desired], primary, now)
        if draining:
            up = sum(1 for t in self.live(svc, primary) if t.last_status == "RUNNING"
                     and t not in draining)
            done = [t for t in draining if t.last_status != "RUNNING" or up >= primary.desired]
            self.scale_down(svc, done, primary, now)
        running, pending = svc.task_counts(primary)
        for dep in svc.deployments[1:]:
            old = self.live(svc, dep)
            if old and (running >= primary.desired or primary.desired == 0):
                self.scale_down(svc, old, primary, now)
        svc.deployments = [svc.deployments[0]] + [d for d in svc.deployments[1:]
                                                   if self.live(svc, d)]
        for dep in svc.deployments[1:]:
            dep.status = "ACTIVE"
        running, pending = svc.task_counts(primary)
        settled = (running == primary.desired and pending == 0 and len(svc.deployments) == 1
                   and svc.consecutive_failures == 0)
        if settled and primary.rollout_state == "IN_PROGRESS":
            primary.rollout_state = "COMPLETED"
            primary.rollout_reason = "ECS deployment %s completed." % primary.id
            primary.updated = now
            svc.last_completed_td = primary.td
            svc.event("(deployment %s) deployment completed." % primary.id, now, self.rng)
        if settled and not svc.steady:
            svc.steady = True
            svc.event("has reached a steady state.", now, self.rng)
        elif not settled:
            svc.steady = False

    def check_breaker(self, svc, dep):
        if not svc.cb_enable or dep.rollout_state != "IN_PROGRESS" or dep is not svc.deployments[0]:
            return
        threshold = min(200, max(3, int(math.ceil(dep.desired * 0.5))))
        if dep.failed < threshold:
            return
        now = time.time()
        dep.rollout_state = "FAILED"
        dep.rollout_reason = "ECS deployment circuit breaker: tasks failed to start."
        dep.updated = now
        svc.event("(deployment %s) deployment failed: tasks failed to start." % dep.id, now, self.rng)
        if svc.cb_rollback and svc.last_completed_td is not dep.td:
            target = svc.last_completed_td
            new = model.Deployment(util.deployment_id(self.rng), target, svc.desired, now,
                                   dep.launch_type, dep.cps, "IN_PROGRESS",
                                   "ECS deployment circuit breaker: rolling back to deploymentId "
                                   "%s." % dep.id)
            svc.event("rolling back to deployment %s." % new.id, now, self.rng)
            svc.td = target
            dep.status = "ACTIVE"
            svc.deployments.insert(0, new)
            svc.consecutive_failures = 0
            svc.next_launch = 0.0
        self.mark(svc)

    def new_deployment(self, svc, td, now):
        did = util.deployment_id(self.rng)
        dep = model.Deployment(did, td, svc.desired, now, svc.launch_type, svc.cps, "IN_PROGRESS",
                               "ECS deployment %s in progress." % did)
        for old in svc.deployments:
            old.status = "ACTIVE"
        svc.deployments.insert(0, dep)
        svc.td = td
        svc.steady = False
        svc.consecutive_failures = 0
        svc.next_launch = 0.0
        self.mark(svc)
        return dep

    # ------------------------------------------------------------ churn
    def churn_one(self, now):
        clusters = list(self.world.clusters.values())
        if not clusters:
            return
        c = self.rng.choice(clusters)
        running = [t for t in c.tasks.values()
                   if t.last_status == "RUNNING" and t.desired_status == "RUNNING"]
        if not running:
            return
        t = self.rng.choice(running)
        if t.cp_name == "FARGATE_SPOT":
            self.stop(t, "SpotInterruption", "Your Spot Task was interrupted.", now)
        else:
            t.containers[0].exit_code = 137
            self.stop(t, "EssentialContainerExited", "Essential container in task exited", now)
