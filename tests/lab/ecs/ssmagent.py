#!/usr/bin/env python3
"""ssmagent: run the lab SSM agent alone, with sessions made in advance.

For tests of the data channel without the ECS lab: starts labecs.ssm.SsmAgent
on 127.0.0.1, creates N sessions for one command, writes each session JSON
(the `session` object of an ExecuteCommand response) to DIR/session-K.json,
prints them one per line once ready, and serves until SIGTERM or SIGINT.

  python3 ssmagent.py --state-dir DIR [--command /bin/sh] [--sessions 1]
      [--loss 0.2] [--no-handshake] [--workdir DIR] [--env K=V] ...

DIR also gets `port`, `pid` and the agent's log `ssm.log`.
"""

import argparse
import json
import os
import signal
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True   # keep the source tree clean

from labecs.ssm import SsmAgent  # noqa: E402

TASK = "3f1c9e2b7a8d4e6f9a0b1c2d3e4f5a6b"
TARGET = "ecs:lab_%s_%s-1234567890" % (TASK, TASK)   # ecs:CLUSTER_TASKID_RUNTIMEID


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    a = p.add_argument
    a("--state-dir", required=True)
    a("--port", type=int, default=0)
    a("--command", default="/bin/sh", help="command line run under a pty (shlex-split)")
    a("--workdir", help="working directory of the command (default STATE/work)")
    a("--target", default=TARGET)
    a("--env", action="append", default=[], metavar="K=V", help="extra environment (repeatable)")
    a("--sessions", type=int, default=1, help="sessions to create")
    a("--loss", type=float, default=0.0, help="fault mode: fraction of messages dropped")
    a("--no-handshake", dest="handshake", action="store_false",
      help="start output at once, as the agent does without KMS encryption")
    a("--token-ttl", type=float, default=60.0)
    a("--idle-timeout", type=float, default=1200.0)
    a("--seed", type=int, help="random seed of the fault mode")
    args = p.parse_args(argv)

    state = os.path.abspath(args.state_dir)
    workdir = os.path.abspath(args.workdir or os.path.join(state, "work"))
    os.makedirs(workdir, exist_ok=True)
    env = dict(kv.split("=", 1) for kv in args.env)
    agent = SsmAgent(state, port=args.port, loss=args.loss, handshake=args.handshake,
                     token_ttl=args.token_ttl, idle_timeout=args.idle_timeout, seed=args.seed)
    port = agent.start()
    with open(os.path.join(state, "port"), "w") as f:
        f.write("%d\n" % port)
    with open(os.path.join(state, "pid"), "w") as f:
        f.write("%d\n" % os.getpid())
    lines = []
    for k in range(1, args.sessions + 1):
        s = json.dumps(agent.new_session(args.target, args.command, workdir, env))
        with open(os.path.join(state, "session-%d.json" % k), "w") as f:
            f.write(s + "\n")
        lines.append(s)
    print("\n".join(lines), flush=True)

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    while not done.wait(1):
        pass
    agent.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
