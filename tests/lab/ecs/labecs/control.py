"""Lab control endpoints under /_lab/ (unsigned; tests drive the lab with curl).

  GET  /_lab/health                         "ok"
  POST /_lab/expire-credentials             every temporary credential expires now
  POST /_lab/expire-sso[?refresh=keep]      SSO access tokens expire (portal answers 401),
                                            the refresh token too unless kept
  POST /_lab/throttle?rate=SPEC             change --throttle at runtime
  POST /_lab/fail?cluster=C&service=S&mode=exit|pull|unhealthy|none
                                            make a service's tasks fail (none: heal)
  POST /_lab/agent?cluster=C&instance=ID&connected=true|false
                                            a container instance's agentConnected
  POST /_lab/exec-agent?cluster=C&task=ID[&container=N][&status=RUNNING|STOPPED][&connected=true|false]
                                            a task's ExecuteCommandAgent (status, SSM reachability)
  GET  /_lab/mint?role=NAME                 credential_process JSON with fresh keys
"""

import time

from . import util


class Control:
    def __init__(self, app):
        self.app = app

    def handle(self, h):
        q = {k: v[0] for k, v in h.query.items()}
        op = h.url_path[len("/_lab/"):]
        fn = getattr(self, "op_" + op.replace("-", "_"), None)
        if fn is None:
            h.send_json(404, {"message": "no such lab control: %s" % op})
        else:
            try:
                code, body = fn(h, q)
            except (ValueError, KeyError) as e:
                code, body = 400, {"message": str(e)}
            h.send_json(code, body)
        h.log_call("lab", op, None)

    def op_health(self, h, q):
        return 200, {"status": "ok"}

    def op_expire_credentials(self, h, q):
        return 200, {"expired": self.app.creds.expire_all()}

    def op_expire_sso(self, h, q):
        self.app.profiles.expire_sso(q.get("refresh") == "keep")
        return 200, {"expired": True}

    def op_throttle(self, h, q):
        self.app.throttle.set(q.get("rate", "0"))
        return 200, {"throttle": self.app.throttle.spec}

    def op_fail(self, h, q):
        w = self.app.world
        mode = q.get("mode", "exit")
        if mode not in ("exit", "pull", "unhealthy", "none"):
            raise ValueError("mode must be exit, pull, unhealthy or none")
        with w.lock:
            c = w.cluster(q["cluster"])
            s = c.services.get(q["service"]) if c else None
            if s is None:
                return 404, {"message": "no such service"}
            self.app.sim.forced[s.arn] = mode
            for t in self.app.sim.live(s):
                if t.last_status == "RUNNING" and mode == "exit":
                    self.app.sim.timer(0.5, self.app.sim.exited, t)
                elif t.last_status == "RUNNING" and mode == "unhealthy":
                    self.app.sim.timer(0.5, self.app.sim.healthy, t)
            s.steady = False
            self.app.sim.mark(s)
        return 200, {"service": s.arn, "mode": mode}

    def op_agent(self, h, q):
        w = self.app.world
        with w.lock:
            c = w.cluster(q["cluster"])
            i = c.instances.get(util.last_part(q["instance"])) if c else None
            if i is None:
                return 404, {"message": "no such container instance"}
            i.agent_connected = q.get("connected", "true") == "true"
            i.version += 1
            self.app.sim.mark_cluster(c)
        return 200, {"containerInstanceArn": i.arn, "agentConnected": i.agent_connected}

    def op_exec_agent(self, h, q):
        w = self.app.world
        status = q.get("status")
        if status not in (None, "RUNNING", "STOPPED", "PENDING"):
            raise ValueError("status must be RUNNING, STOPPED or PENDING")
        with w.lock:
            c = w.cluster(q["cluster"])
            t = c.tasks.get(util.last_part(q["task"])) if c else None
            if t is None:
                return 404, {"message": "no such task"}
            out = []
            for ct in t.containers:
                if q.get("container") and ct.name != q["container"]:
                    continue
                if status:
                    ct.agent = status
                if "connected" in q:
                    ct.ssm_connected = q["connected"] == "true"
                out.append({"name": ct.name, "lastStatus": ct.agent, "connected": ct.ssm_connected})
            t.touch()
        return 200, {"taskArn": t.arn, "containers": out}

    def op_mint(self, h, q):
        c = self.app.creds.issue(q.get("role", "lab-process-role"), "lab-process-%d" % time.time())
        return 200, {"Version": 1, "AccessKeyId": c.access_key, "SecretAccessKey": c.secret,
                     "SessionToken": c.token, "Expiration": util.iso(c.expires)}
