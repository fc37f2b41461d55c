"""ECS ExecuteCommand: the checks AWS makes, then a session from the SSM
agent simulator (ssm.py, written separately; imported lazily).  Without
that module every call is answered with TargetNotConnectedException.

The AWS order: a task without enableExecuteCommand, or whose container's
ExecuteCommandAgent is not RUNNING, gets InvalidParameterException (AWS's
one message covers both); an agent that runs but cannot reach SSM
(/_lab/exec-agent?...&connected=false) gets TargetNotConnectedException.

Each task container gets a working directory DIR/tasks/TASKID/CONTAINER
in which the command really runs (under a pty, in ssm.py).
"""

import os

from . import errors

NOT_ENABLED = ("The execute command failed because execute command was not enabled when the "
               "task was run or the execute command agent isn\u2019t running. Wait and try "
               "again or run a new task with execute command enabled and try again.")
INTERNAL = "The execute command failed due to an internal error. Try again later."


def not_connected():
    return errors.AwsError("TargetNotConnectedException", INTERNAL)


def execute(app, cluster, p):
    ident = p.get("task")
    if not isinstance(ident, str) or not ident:
        raise errors.invalid_param("Task cannot be empty.")
    command = p.get("command")
    if not isinstance(command, str) or not command:
        raise errors.invalid_param("Command cannot be empty.")
    if p.get("interactive") is not True:
        raise errors.invalid_param("Interactive is the only mode supported currently.")
    t = cluster.tasks.get(ident.rsplit("/", 1)[-1])
    if t is None:
        raise errors.invalid_param("The referenced task was not found.")
    if not t.exec_enabled:
        raise errors.invalid_param(NOT_ENABLED)
    name = p.get("container")
    if name:
        cs = [c for c in t.containers if c.name == name]
        if not cs:
            raise errors.invalid_param("The container %s does not exist in the task." % name)
        c = cs[0]
    elif len(t.containers) > 1:
        raise errors.invalid_param("We couldn't find a container in your task. Specify a "
                                   "container name and try again.")
    else:
        c = t.containers[0]
    if t.last_status != "RUNNING" or c.last_status != "RUNNING" or c.agent != "RUNNING":
        raise errors.invalid_param(NOT_ENABLED)
    agent = app.ssm_agent()
    if agent is None or not c.ssm_connected:
        raise not_connected()
    workdir = os.path.join(app.cfg.state_dir, "tasks", t.id, c.name)
    os.makedirs(workdir, exist_ok=True)
    env = {"HOSTNAME": "ip-%s.ec2.internal" % (t.eni_ip or "10-0-0-1").replace(".", "-"),
           "ECS_CONTAINER_METADATA_URI_V4": "http://169.254.170.2/v4/%s" % c.runtime_id,
           "AWS_REGION": app.cfg.region, "AWS_DEFAULT_REGION": app.cfg.region,
           "ECS_CLUSTER": cluster.name, "ECS_TASK_ARN": t.arn, "ECS_CONTAINER_NAME": c.name}
    target = "ecs:%s_%s_%s" % (cluster.name, t.id, c.runtime_id)
    try:
        session = agent.new_session(target, command, workdir, env)
    except Exception:
        raise not_connected()
    return {"clusterArn": cluster.arn,
            "containerArn": app.world.arns.container(cluster.name, t.id, c.uuid),
            "containerName": c.name, "interactive": True, "session": session,
            "taskArn": t.arn}
