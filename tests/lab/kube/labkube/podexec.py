"""pods/exec and pods/attach over WebSocket (the Kubernetes channel protocols).

Subprotocols v5.channel.k8s.io, v4.channel.k8s.io, v4.base64.channel.k8s.io,
channel.k8s.io and base64.channel.k8s.io.  Every data message is a binary
frame whose first byte is the channel (0 stdin, 1 stdout, 2 stderr,
3 error/status, 4 resize, 255 close in v5); the base64 variants use text
frames with an ASCII digit.  The server first sends an empty message on the
lowest writable channel, ends with one Status on channel 3 (v4/v5: JSON,
NonZeroExitCode with details.causes[ExitCode]; v1: plain text) and closes.

The command runs for real on this host, in STATE/pods/NS/POD as working
directory with HOSTNAME=pod name: with tty=true under a pty (a session
leader with the pty as controlling terminal; channel-4 resizes become
TIOCSWINSZ), otherwise with plain pipes.  One thread multiplexes the TLS
socket and the process with select(), so the SSL object is never used by
two threads at once.  SPDY upgrade requests get a clear 400.

attach streams the simulated container's log lines as they are produced.
"""

import base64
import errno
import fcntl
import json
import os
import pty
import select
import shutil
import signal
import ssl
import struct
import subprocess
import sys
import termios
import time

from . import podlogs, util
from . import resources as R
from . import websocket as ws

PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io", "v4.base64.channel.k8s.io",
             "channel.k8s.io", "base64.channel.k8s.io"]
CTTY_HELPER = ("import os,sys,fcntl,termios\n"
               "os.setsid()\n"
               "fcntl.ioctl(0, termios.TIOCSCTTY, 0)\n"
               "try:\n os.execvp(sys.argv[1], sys.argv[1:])\n"
               "except OSError as e:\n"
               " sys.stderr.write('exec: %s: %s\\r\\n' % (sys.argv[1], e.strerror)); os._exit(127)\n")
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class Closed(Exception):
    pass


class Channels:
    """Channel framing over an upgraded connection."""

    def __init__(self, h, proto):
        self.h = h
        self.sock = h.connection
        self.proto = proto
        self.b64 = "base64" in proto
        self.v5 = proto.startswith("v5.")
        self.v4plus = proto.startswith(("v4.", "v5."))
        self.parser = ws.Parser()
        self.closed = False

    def send(self, ch, data=b""):
        if self.b64:
            msg = ws.frame(ws.OP_TEXT, str(ch).encode() + base64.b64encode(data))
        else:
            msg = ws.frame(ws.OP_BINARY, bytes([ch]) + data)
        self.sock.sendall(msg)

    def readable(self, timeout):
        if self.sock.pending():
            return True
        r, _, _ = select.select([self.sock], [], [], timeout)
        return bool(r)

    def receive(self):
        """Read what is available; return [(channel, payload)]; raise Closed on close."""
        try:
            data = self.sock.recv(65536)
        except (ssl.SSLWantReadError, BlockingIOError):
            return []
        except OSError:
            raise Closed()
        if not data:
            raise Closed()
        out = []
        try:
            msgs = self.parser.feed(data)
        except ws.ProtocolError:
            raise Closed()
        for op, payload in msgs:
            if op == ws.OP_PING:
                self.sock.sendall(ws.frame(ws.OP_PONG, payload))
            elif op == ws.OP_CLOSE:
                try:
                    self.sock.sendall(ws.close_frame(1000))
                except OSError:
                    pass
                self.closed = True
                raise Closed()
            elif op in (ws.OP_BINARY, ws.OP_TEXT) and payload:
                if self.b64 or op == ws.OP_TEXT:
                    try:
                        ch = int(chr(payload[0]))
                        body = base64.b64decode(payload[1:])
                    except (ValueError, TypeError):
                        continue
                else:
                    ch, body = payload[0], payload[1:]
                out.append((ch, body))
        return out

    def finish(self, exit_code, message=None, internal=None):
        try:
            if internal is not None:
                st = {"metadata": {}, "status": "Failure", "message": internal,
                      "reason": "InternalError", "details": {"causes": [{"message": internal}]},
                      "code": 500}
                self.send(3, json.dumps(st).encode() if self.v4plus else internal.encode())
            elif exit_code == 0:
                if self.v4plus:
                    self.send(3, b'{"metadata":{},"status":"Success"}')
            else:
                msg = message or "command terminated with non-zero exit code: exit status %d" % exit_code
                if self.v4plus:
                    st = {"metadata": {}, "status": "Failure", "message": msg,
                          "reason": "NonZeroExitCode",
                          "details": {"causes": [{"reason": "ExitCode", "message": str(exit_code)}]}}
                    self.send(3, json.dumps(st, separators=(",", ":")).encode())
                else:
                    self.send(3, msg.encode())
            self.sock.sendall(ws.close_frame(1000))
        except OSError:
            pass


def _default_container(pod):
    ann = pod["metadata"].get("annotations") or {}
    names = [c["name"] for c in pod["spec"].get("containers") or ()]
    return ann.get("kubectl.kubernetes.io/default-container") or (names[0] if names else "")


def serve(h, pod, sub):
    upgrade = (h.headers.get("Upgrade") or "").lower()
    h.read_body()
    if "spdy" in upgrade:
        return h.send_status(R.status_failure(
            400, "BadRequest", "lab API server: SPDY/3.1 is not supported for %s; "
            "use WebSocket (v5.channel.k8s.io or v4.channel.k8s.io)" % sub))
    if upgrade != "websocket":
        return h.send_status(R.bad_request("Upgrade request required"))
    cname = h.q("container") or _default_container(pod)
    spec_cs = [c for c in pod["spec"].get("containers") or () if c["name"] == cname]
    if not spec_cs:
        return h.send_status(R.bad_request("container %s is not valid for pod %s"
                                           % (cname, pod["metadata"]["name"])))
    cs = [c for c in pod["status"].get("containerStatuses") or () if c["name"] == cname]
    if not cs or not cs[0].get("state", {}).get("running") or pod["metadata"].get("deletionTimestamp") \
            and not cs[0].get("state", {}).get("running"):
        return h.send_status(R.bad_request('container not found ("%s")' % cname))
    command = h.query.get("command") or []
    if sub == "exec" and not command:
        return h.send_status(R.bad_request("you must specify at least 1 command"))
    offered = [p.strip() for p in (h.headers.get("Sec-WebSocket-Protocol") or "").split(",")
               if p.strip()]
    proto = next((p for p in offered if p in PROTOCOLS), None)
    if proto is None:
        if offered:
            return h.send_status(R.bad_request("unable to upgrade: no supported subprotocol in %s"
                                               % offered))
        proto = "channel.k8s.io"
    key = h.headers.get("Sec-WebSocket-Key") or ""
    h.send_response_only(101, "Switching Protocols")
    h.send_header("Upgrade", "websocket")
    h.send_header("Connection", "Upgrade")
    h.send_header("Sec-WebSocket-Accept", ws.accept_key(key))
    h.send_header("Sec-WebSocket-Protocol", proto)
    h.end_headers()
    h.wfile.flush()
    h.close_connection = True
    h.log_request(101)
    flags = {k: h.qbool(k) for k in ("stdin", "stdout", "stderr", "tty")}
    ch = Channels(h, proto)
    with h.app.lock:
        h.app.active_streams += 1
    try:
        first = 1 if flags["stdout"] else (2 if flags["stderr"] else 3)
        ch.send(first)
        if sub == "attach":
            return attach(h, ch, pod, cname)
        run(h, ch, pod, spec_cs[0], command, flags)
    except (Closed, OSError):
        pass
    finally:
        with h.app.lock:
            h.app.active_streams -= 1


def _winsize(fd, w, hgt):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", hgt, w, 0, 0))


def run(h, ch, pod, container, command, flags):
    md = pod["metadata"]
    cwd = os.path.join(h.app.state_dir, "pods", md["namespace"], md["name"])
    os.makedirs(cwd, exist_ok=True)
    env = {"PATH": PATH, "HOSTNAME": md["name"], "HOME": cwd,
           "KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443",
           "KUBERNETES_PORT": "tcp://10.96.0.1:443"}
    for e in container.get("env") or ():
        if "value" in e:
            env[e["name"]] = e["value"]
    tty = flags["tty"]
    if tty:
        env["TERM"] = "xterm"
    exe = command[0]
    if not (shutil.which(exe, path=PATH) or (os.sep in exe and os.path.exists(os.path.join(cwd, exe)))):
        return ch.finish(None, internal=(
            'error executing command in container: failed to exec in container: failed to start '
            'exec "%s": OCI runtime exec failed: exec failed: unable to start container process: '
            'exec: "%s": executable file not found in $PATH: unknown'
            % (util.new_uid().replace("-", ""), exe)))
    stdin_buf = bytearray()
    size = None
    if tty:
        # give the client a moment to send its initial terminal size
        deadline = time.time() + 1.0
        while size is None and time.time() < deadline:
            if ch.readable(deadline - time.time()):
                for c, body in ch.receive():
                    if c == 4:
                        size = _parse_size(body)
                    elif c == 0:
                        stdin_buf += body
    if tty:
        master, slave = pty.openpty()
        if size:
            _winsize(slave, *size)
        proc = subprocess.Popen([sys.executable, "-c", CTTY_HELPER] + command, stdin=slave,
                                stdout=slave, stderr=slave, cwd=cwd, env=env, close_fds=True)
        os.close(slave)
        outs = {master: 1}
        stdin_fd = master if flags["stdin"] else None
    else:
        pipe = subprocess.PIPE
        proc = subprocess.Popen(command, stdin=pipe if flags["stdin"] else subprocess.DEVNULL,
                                stdout=pipe if flags["stdout"] else subprocess.DEVNULL,
                                stderr=pipe if flags["stderr"] else subprocess.DEVNULL,
                                cwd=cwd, env=env, close_fds=True, start_new_session=True)
        outs = {}
        if proc.stdout:
            outs[proc.stdout.fileno()] = 1
        if proc.stderr:
            outs[proc.stderr.fileno()] = 2
        stdin_fd = proc.stdin.fileno() if proc.stdin else None
        master = None
    if stdin_fd is not None:
        os.set_blocking(stdin_fd, False)
    close_stdin = False
    exited_at = None
    try:
        while True:
            rl = list(outs) + [ch.sock]
            wl = [stdin_fd] if stdin_fd is not None and stdin_buf else []
            timeout = 0 if ch.sock.pending() else 0.5
            r, w, _ = select.select(rl, wl, [], timeout)
            if ch.sock.pending() and ch.sock not in r:
                r.append(ch.sock)
            for fd in r:
                if fd is ch.sock:
                    try:
                        msgs = ch.receive()
                    except Closed:
                        _kill(proc)
                        return
                    for c, body in msgs:
                        if c == 0 and stdin_fd is not None:
                            stdin_buf += body
                        elif c == 4 and tty:
                            sz = _parse_size(body)
                            if sz:
                                _winsize(master, *sz)
                        elif c == 255 and body[:1] == b"\x00":
                            close_stdin = True
                    continue
                try:
                    data = os.read(fd, 65536)
                except OSError as e:
                    if e.errno != errno.EIO:
                        raise
                    data = b""
                if data:
                    ch.send(outs[fd], data)
                else:
                    del outs[fd]
            if w and stdin_buf:
                try:
                    n = os.write(stdin_fd, stdin_buf)
                    del stdin_buf[:n]
                except BlockingIOError:
                    pass
                except OSError:
                    stdin_buf.clear()
            if close_stdin and not stdin_buf and stdin_fd is not None and not tty:
                proc.stdin.close()
                stdin_fd = None
            if proc.poll() is not None:
                if exited_at is None:
                    exited_at = time.time()
                if not outs or (tty and time.time() - exited_at > 0.3):
                    break
        code = proc.returncode
        if code < 0:
            code = 128 - code
        msg = None
        if code:
            msg = ("command terminated with non-zero exit code: error executing command [%s], "
                   "exit code %d" % (" ".join(command), code))
        ch.finish(code, msg)
    finally:
        if master is not None:
            os.close(master)
        for f in (proc.stdin, proc.stdout, proc.stderr):
            if f:
                try:
                    f.close()
                except OSError:
                    pass


def _parse_size(body):
    try:
        d = json.loads(body)
        return int(d.get("Width", 0)), int(d.get("Height", 0))
    except (ValueError, AttributeError):
        return None


def _kill(proc):
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGHUP)
        except OSError:
            pass
        try:
            proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()


def attach(h, ch, pod, cname):
    """Stream the simulated container's output from now on until it ends or the client leaves."""
    st = h.app.store
    interval = h.app.cfg.log_interval
    md = pod["metadata"]
    cs = [c for c in pod["status"]["containerStatuses"] if c["name"] == cname][0]
    cid = cs.get("containerID", "")
    start = util.parse_iso(cs["state"]["running"]["startedAt"])
    i = podlogs.produced(start, None, interval)
    while True:
        due = start + i * interval
        if ch.readable(max(0.0, min(0.5, due - time.time()))):
            ch.receive()   # stdin is accepted and dropped; raises Closed on close
        if time.time() >= due:
            text, err = podlogs.line(cid, cname, i)
            ch.send(2 if err else 1, (text + "\n").encode())
            i += 1
            cur = st.get("pods", md["namespace"], md["name"])
            if cur is None or cur["metadata"]["uid"] != md["uid"] or podlogs._ended(cur, cname, cid):
                return ch.finish(0)
