"""One ECS Exec session on an accepted data-channel WebSocket.

Sequence, as the AWS agent and service behave (see ../SSM.md):
  1. the client's first frame is text, the OpenDataChannelInput JSON; its
     TokenValue must be the session's, unused and unexpired, or the
     WebSocket is closed (1008) without a single data message;
  2. with the handshake on: HandshakeRequest (seq 0, SessionType
     InteractiveCommands), the client's HandshakeResponse, HandshakeComplete;
     without it the command's output starts at seq 0 directly (what the
     agent does for InteractiveCommands when no KMS key is configured);
  3. the command runs under a pty: its output goes out as payload type 1 in
     reads of 1024 bytes cut on UTF-8 boundaries (an incomplete character
     waits for the next read), input type 1
     bytes go to the pty, type 3 {"cols","rows"} becomes TIOCSWINSZ;
  4. when the pty reaches end of file the agent waits until every output
     message is acknowledged (at most 2 s, 10 s in fault mode), then
     channel_closed (Output "") ends the session.  The exit code is logged
     only: InteractiveCommands sessions never send payload type 12.
"""

import errno
import fcntl
import json
import os
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time

from . import ssm_message as M
from .kubeshare import CTTY_HELPER, PATH
from .ssm_channel import Channel, Closed, parse_size

AGENT_VERSION = "3.3.1611.0"
FIRST_FRAME_TIMEOUT = 30.0
HANDSHAKE_TIMEOUT = 15.0
DRAIN_TIMEOUT = 2.0
DRAIN_TIMEOUT_LOSSY = 10.0
READ_SIZE = 1024
MAX_UNACKED = 1000
IDLE_MESSAGE = "Your session timed out due to inactivity and has been terminated."
TOKEN_REFUSED = b"Authentication failed: invalid or expired token"


def split_utf8(data):
    """(complete, rest): rest is a trailing incomplete UTF-8 sequence (at most 3 bytes)."""
    n = len(data)
    for back in range(1, min(3, n) + 1):
        b = data[n - back]
        if b & 0xC0 == 0x80:
            continue
        need = 2 if b & 0xE0 == 0xC0 else 3 if b & 0xF0 == 0xE0 else 4 if b & 0xF8 == 0xF0 else 1
        if need > back:
            return data[:n - back], data[n - back:]
        break
    return data, b""


class Runner:
    """Drives one session; run() returns when the session is over."""

    def __init__(self, agent, conn, session_id, initial=b""):
        self.agent = agent
        self.conn = conn
        self.session_id = session_id
        self.ch = Channel(conn, agent.rng(), agent.loss, initial)
        self.sess = None
        self.client_id = ""
        self.state = "opening"
        self.proc = None
        self.master = None
        self.to_pty = bytearray()
        self.utf8_rest = b""
        self.size = None
        self.last_activity = time.monotonic()
        self.drain_deadline = None
        self.hs_started = None

    # ------------------------------------------------------------- top level
    def run(self):
        try:
            early = self._open()
            if early is None:
                return
            if self.agent.handshake:
                self._send_handshake_request()
            elif not self._start():
                return
            for msg in self.ch.handle_frames(early):
                self._handle(msg)
            self._loop()
        except (Closed, OSError):
            self._kill()
            self.agent.log(self.session_id, "client closed the data channel",
                           **self.ch.stats)
        finally:
            if self.master is not None:
                os.close(self.master)
                self.master = None

    def _open(self):
        """Read and check the OpenDataChannelInput; returns frames that came with it, or None."""
        deadline = time.monotonic() + FIRST_FRAME_TIMEOUT
        frames = []
        while not frames:
            left = deadline - time.monotonic()
            if left <= 0 or not self.ch.readable(left):
                self.agent.log(self.session_id, "refused: no OpenDataChannelInput")
                self.ch.close(1008, b"no OpenDataChannelInput received")
                return None
            frames = self.ch.read_frames()
        op, body = frames[0]
        token = client_id = version = None
        if op == 1:
            try:
                d = json.loads(body)
                token, client_id, version = d.get("TokenValue"), d.get("ClientId"), d.get("ClientVersion")
            except (ValueError, AttributeError):
                pass
        sess, why = self.agent.claim(self.session_id, token)
        if sess is None:
            self.agent.log(self.session_id, "refused: " + why)
            self.ch.close(1008, TOKEN_REFUSED)
            return None
        self.sess = sess
        self.client_id = client_id or ""
        self.agent.log(self.session_id, "connected", client_version=version or "-",
                       handshake=self.agent.handshake, loss=self.agent.loss)
        return frames[1:]

    def _loop(self):
        ch = self.ch
        while self.state != "closed":
            now = time.monotonic()
            waits = [0.5]
            d = ch.deadline()
            if d is not None:
                waits.append(d - now)
            if self.state == "handshake":
                waits.append(self.hs_started + HANDSHAKE_TIMEOUT - now)
            if self.state == "draining":
                waits.append(self.drain_deadline - now)
            if self.agent.idle_timeout:
                waits.append(self.last_activity + self.agent.idle_timeout - now)
            rl = [self.conn]
            if self.state == "running" and len(ch.unacked) < MAX_UNACKED:
                rl.append(self.master)
            wl = [self.master] if self.state == "running" and self.to_pty else []
            timeout = 0 if ch.readable(0) else max(0.0, min(waits))
            r, w, _ = _select(rl, wl, timeout)
            if self.conn in r or ch.readable(0):
                for msg in ch.receive():
                    self._handle(msg)
                if self.state == "closed":
                    return
            if self.state == "running" and self.master in r:
                self._read_pty()
            if self.state == "running" and self.master in w:
                self._write_pty()
            ch.tick()
            now = time.monotonic()
            if self.state == "handshake" and now > self.hs_started + HANDSHAKE_TIMEOUT:
                return self._fail("Handshake timed out. Please ensure that you have the latest "
                                  "version of the session manager plugin.")
            if self.state == "draining" and (ch.all_acked() or now >= self.drain_deadline):
                return self._finish()
            if self.agent.idle_timeout and now - self.last_activity > self.agent.idle_timeout:
                self._kill()
                return self._end(IDLE_MESSAGE, "idle timeout")

    # ------------------------------------------------------------- messages
    def _handle(self, msg):
        if self.state == "handshake":
            if msg.payload_type == M.PT_HANDSHAKE_RESPONSE:
                self._handshake_response(msg)
            return   # the agent ignores (but has acknowledged) input during the handshake
        if self.state != "running":
            return
        if msg.payload_type == M.PT_OUTPUT:
            self.to_pty += msg.payload
            self.last_activity = time.monotonic()
        elif msg.payload_type == M.PT_SIZE:
            size = parse_size(msg.payload)
            if size and size != self.size:
                self.size = size
                _winsize(self.master, *size)

    def _send_handshake_request(self):
        self.state = "handshake"
        self.hs_started = time.monotonic()
        self.ch.send_json(M.PT_HANDSHAKE_REQUEST, {
            "AgentVersion": AGENT_VERSION,
            "RequestedClientActions": [{
                "ActionType": "SessionType",
                "ActionParameters": {"SessionType": "InteractiveCommands", "Properties": None}}]})

    def _handshake_response(self, msg):
        try:
            d = msg.json()
            actions = d.get("ProcessedClientActions") or []
        except (ValueError, AttributeError):
            return self._fail("Unmarshalling of HandshakeResponse message failed")
        for a in actions:
            if a.get("ActionStatus") != 1:
                return self._fail("%s failed on client with status %s error: %s"
                                  % (a.get("ActionType"), a.get("ActionStatus"), a.get("Error")))
        if not any(a.get("ActionType") == "SessionType" for a in actions):
            return self._fail("the client did not process the SessionType action")
        self.agent.log(self.session_id, "handshake", client_version=d.get("ClientVersion") or "-")
        took = int((time.monotonic() - self.hs_started) * 1e9)
        self.ch.send_json(M.PT_HANDSHAKE_COMPLETE,
                          {"HandshakeTimeToComplete": took, "CustomerMessage": ""}, faults=False)
        self._start()

    # ------------------------------------------------------------- process
    def _start(self):
        s = self.sess
        try:
            argv = shlex.split(s["command"])
        except ValueError as e:
            return self._fail_start("Failed to parse commands input: %s" % e)
        if not argv:
            argv = ["sh"]
        env = {"PATH": PATH, "HOME": s["workdir"], "TERM": "xterm-256color", "LANG": "C.UTF-8"}
        env.update(s["env"] or {})
        exe = argv[0]
        if os.sep in exe:
            if not os.access(os.path.join(s["workdir"], exe), os.X_OK):
                return self._fail_start("Failed to start pty: fork/exec %s: no such file or directory"
                                        % exe)
        elif not shutil.which(exe, path=env["PATH"]):
            return self._fail_start('Failed to start pty: exec: "%s": executable file not found '
                                    'in $PATH' % exe)
        master, slave = os.openpty()
        if self.size:
            _winsize(slave, *self.size)
        try:
            self.proc = subprocess.Popen([sys.executable, "-c", CTTY_HELPER] + argv, stdin=slave,
                                         stdout=slave, stderr=slave, cwd=s["workdir"], env=env,
                                         close_fds=True)
        finally:
            os.close(slave)
        os.set_blocking(master, False)
        self.master = master
        self.state = "running"
        self.agent.log(self.session_id, "started", pid=self.proc.pid)
        return True

    def _read_pty(self):
        try:
            data = os.read(self.master, READ_SIZE)
        except BlockingIOError:
            return
        except OSError as e:
            if e.errno != errno.EIO:
                raise
            data = b""
        if not data:
            if self.utf8_rest:
                self.ch.send_data(M.PT_OUTPUT, self.utf8_rest)
                self.utf8_rest = b""
            self.state = "draining"
            self.drain_deadline = time.monotonic() + (
                DRAIN_TIMEOUT_LOSSY if self.agent.loss > 0 else DRAIN_TIMEOUT)
            return
        self.last_activity = time.monotonic()
        done, self.utf8_rest = split_utf8(self.utf8_rest + data)
        if done:
            # without a handshake the first output sets the client's session type: no faults
            self.ch.send_data(M.PT_OUTPUT, done, faults=self.ch.out_seq > 0)

    def _write_pty(self):
        try:
            n = os.write(self.master, self.to_pty)
            del self.to_pty[:n]
        except BlockingIOError:
            pass
        except OSError:
            self.to_pty.clear()

    def _kill(self):
        p = self.proc
        if p is None or p.poll() is not None:
            return
        for sig in (signal.SIGHUP, signal.SIGKILL):
            try:
                os.killpg(p.pid, sig)
            except OSError:
                pass
            try:
                p.wait(timeout=1)
                return
            except subprocess.TimeoutExpired:
                pass

    # ------------------------------------------------------------- endings
    def _finish(self):
        code = None
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self._kill()
            code = self.proc.returncode
        if code is not None and code < 0:
            code = 128 - code
        self._end("", "exited", exit_code=code)

    def _fail_start(self, err):
        self._end("Unable to start command: %s\n" % err, "start failed")
        return False

    def _fail(self, err):
        self._kill()
        self._end("Encountered error while initiating handshake. %s" % err, "handshake failed")

    def _end(self, output, why, **kv):
        self.state = "closed"
        kv.update(self.ch.stats)
        self.agent.log(self.session_id, why, **kv)
        try:
            self.ch.send_closed(self.session_id, self.client_id, output)
        except Closed:
            return
        self.ch.close(1000)


def _select(rl, wl, timeout):
    try:
        return select.select(rl, wl, [], timeout)
    except InterruptedError:
        return [], [], []


def _winsize(fd, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
