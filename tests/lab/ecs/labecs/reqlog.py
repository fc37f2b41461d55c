"""The request log, DIR/requests.log: one line per AWS API request.

    2026-12-01T20:31:07.412Z ecs ListClusters 200 AKIAEXAMPLE12345678 -
    TIME SERVICE OPERATION STATUS ACCESS_KEY_ID ERROR_CODE

Fields are separated by one space; `-` stands for an empty field (no key,
no error).  The secret key never appears.  IMDS, the container endpoint,
the SSO portal and /_lab/ control requests are logged too, with service
imds, container-credentials, sso and lab.
"""

import threading
import time


class RequestLog:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.f = open(path, "a", buffering=1)

    def write(self, service, op, status, key, error):
        now = time.time()
        line = "%s.%03dZ %s %s %d %s %s\n" % (
            time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)), int(now * 1000) % 1000,
            service or "-", op or "-", status, key or "-", error or "-")
        with self.lock:
            self.f.write(line)

    def close(self):
        with self.lock:
            self.f.close()
